"""The brief's blocks as a Word document (python-docx, for administrators to edit) and as Markdown."""
from __future__ import annotations

import html
from collections.abc import Sequence
from io import BytesIO

from docx import Document
from docx.document import Document as WordDocument
from docx.shared import Cm, Pt
from docx.table import _Cell

from hub.lobby import chart as charts
from hub.lobby.brief import Block, Bullets, Heading, Paragraph, Table
from hub.text import xml_safe

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def to_docx(blocks: Sequence[Block], *, title: str, language: str) -> bytes:
    """Every text goes through ``xml_safe``: a control character stored before they were refused would
    make python-docx refuse the whole document."""
    document = Document()
    document.core_properties.title = xml_safe(title)
    document.core_properties.language = language
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    document.styles["Table Grid"].font.size = Pt(9)
    for block in blocks:
        if isinstance(block, Heading):
            document.add_heading(xml_safe(block.text), level=block.level)
        elif isinstance(block, Paragraph):
            paragraph = document.add_paragraph(xml_safe(block.text), style="Quote" if block.style == "quote" else None)
            if block.style in ("lead", "note"):
                paragraph.runs[0].italic = True
        elif isinstance(block, Bullets):
            for item in block.items:
                document.add_paragraph(xml_safe(item), style="List Bullet")
        elif isinstance(block, Table):
            _docx_table(document, block)
        else:
            document.add_picture(BytesIO(charts.to_png(block.chart)), width=Cm(17))
            document.add_paragraph(xml_safe(block.chart.title), style="Caption")
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_table(document: WordDocument, block: Table) -> None:
    table = document.add_table(rows=0, cols=len(block.header))
    table.style = "Table Grid"
    for texts, bold in ((block.header, True), *((row.cells, bool(row.flag)) for row in block.rows)):
        # ``_Row.cells`` rebuilds the whole table's cell grid on every call (quadratic for long tables),
        # so the new row's cells are taken straight from its XML.
        row = table.add_row()
        for tc, text in zip(row._tr.tc_lst, texts, strict=True):
            run = _Cell(tc, table).paragraphs[0].add_run(xml_safe(text))
            run.bold = bold or None
    document.add_paragraph()


def _md(text: str) -> str:
    """One line of Markdown text: Markdown passes HTML through, so ``<``, ``>`` and ``&`` are written as
    character references and stored text can never become markup (a script, a hidden link) where the brief
    is rendered."""
    return html.escape(" ".join(text.split()), quote=False)


def _md_cell(text: str) -> str:
    return _md(text).replace("\\", "\\\\").replace("|", "\\|") or " "


def to_markdown(blocks: Sequence[Block]) -> str:
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            lines += ["#" * (block.level + 1) + " " + _md(block.text), ""]
        elif isinstance(block, Paragraph):
            text = _md(block.text)
            lines += [{"quote": f"> {text}", "lead": f"*{text}*", "note": f"*{text}*"}.get(block.style, text), ""]
        elif isinstance(block, Bullets):
            lines += [f"- {_md(item)}" for item in block.items] + [""]
        elif isinstance(block, Table):
            lines.append("| " + " | ".join(_md_cell(h) for h in block.header) + " |")
            lines.append("|" + "|".join(" --- " for _h in block.header) + "|")
            for row in block.rows:
                cells = [_md_cell(c) for c in row.cells]
                if row.flag:
                    cells = [f"**{c}**" if c.strip() else c for c in cells]
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
        # A ChartBlock has no Markdown form; the table after it carries the same dates and amounts.
    return "\n".join(lines).rstrip() + "\n"
