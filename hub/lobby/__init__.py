"""The joint lobby of the border provinces (SER advice 2e): cycles with three ranked priorities,
the partners' positions, actions, evidence and the brief for a minister."""
