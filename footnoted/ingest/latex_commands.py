"""What LaTeX's commands and environments are to a reader that does not run TeX: which head a
section, hold a list, math, a float or a caption, cite a note, or print nothing, and how many
arguments each takes."""

from __future__ import annotations

SECTIONING = ("part", "chapter", "section", "subsection", "subsubsection", "paragraph", "subparagraph")
KOMA = {"addpart": "part", "addchap": "chapter", "addsec": "section"}
CHAPTER_CLASSES = frozenset({"book", "report", "memoir", "scrbook", "scrreprt", "amsbook", "octavo"})
LISTS = frozenset(
    "itemize enumerate description compactitem compactenum compactdesc asparaitem asparaenum inparaitem"
    " inparaenum thebibliography list trivlist".split()
)
MATH = frozenset(
    f"{name}{star}"
    for name in "equation align gather multline eqnarray displaymath math flalign alignat dmath".split()
    for star in ("", "*")
)
# Environments that sit inside a paragraph's text: a table's cells are text, and notes in them are read.
INLINE = frozenset("tabular tabular* tabularx tabulary longtable array cases spreadtab".split())
FLOATS = frozenset(
    f"{name}{star}"
    for name in "figure table wrapfigure wraptable sidewaysfigure sidewaystable SCfigure SCtable subfigure"
    " tikzpicture picture pgfpicture algorithm listing".split()
    for star in ("", "*")
)
CAPTIONS = frozenset({"caption", "subcaption", "captionof"})
# How many mandatory arguments each environment takes after its name (optional ones are read too).
ENV_ARGUMENTS = {
    "tabular": 1,
    "tabular*": 2,
    "tabularx": 2,
    "tabulary": 2,
    "longtable": 1,
    "array": 1,
    "minipage": 1,
    "thebibliography": 1,
    "multicols": 1,
    "multicols*": 1,
    "wrapfigure": 2,
    "wraptable": 2,
    "subfigure": 1,
    "list": 2,
}
# Commands that print nothing of the text (a layout instruction, a definition, a reference's
# target, the title page's parts), with how many mandatory arguments each takes.
FURNITURE = {
    "documentclass": 1,
    "usepackage": 1,
    "RequirePackage": 1,
    "newcommand": 2,
    "renewcommand": 2,
    "providecommand": 2,
    "DeclareRobustCommand": 2,
    "newenvironment": 3,
    "renewenvironment": 3,
    "newtheorem": 2,
    "newcounter": 1,
    "setcounter": 2,
    "addtocounter": 2,
    "stepcounter": 1,
    "refstepcounter": 1,
    "setlength": 2,
    "addtolength": 2,
    "settowidth": 2,
    "label": 1,
    "maketitle": 0,
    "tableofcontents": 0,
    "listoffigures": 0,
    "listoftables": 0,
    "newpage": 0,
    "clearpage": 0,
    "cleardoublepage": 0,
    "pagebreak": 0,
    "linebreak": 0,
    "nopagebreak": 0,
    "bibliography": 1,
    "bibliographystyle": 1,
    "printbibliography": 0,
    "addbibresource": 1,
    "nocite": 1,
    "input": 1,
    "include": 1,
    "includeonly": 1,
    "includegraphics": 1,
    "appendix": 0,
    "frontmatter": 0,
    "mainmatter": 0,
    "backmatter": 0,
    "title": 1,
    "author": 1,
    "date": 1,
    "thanks": 1,
    "vspace": 1,
    "hspace": 1,
    "vskip": 0,
    "bigskip": 0,
    "medskip": 0,
    "smallskip": 0,
    "vfill": 0,
    "hfill": 0,
    "noindent": 0,
    "centering": 0,
    "raggedright": 0,
    "raggedleft": 0,
    "pagestyle": 1,
    "thispagestyle": 1,
    "pagenumbering": 1,
    "addcontentsline": 3,
    "addtocontents": 2,
    "hypersetup": 1,
    "geometry": 1,
    "graphicspath": 1,
    "definecolor": 3,
    "lstset": 1,
    "theendnotes": 0,
    "printendnotes": 0,
    "printindex": 0,
    "makeindex": 0,
    "hline": 0,
    "selectlanguage": 1,
    "DeclareMathOperator": 2,
    "numberwithin": 2,
    "captionsetup": 1,
    "setcounterpageref": 0,
    "markboth": 2,
    "markright": 1,
    "let": 2,
}
NOTES = {"footnote": "footnote", "endnote": "endnote"}
MARKS = {"footnotemark": "footnote", "endnotemark": "endnote"}
TEXTS = {"footnotetext": "footnote", "endnotetext": "endnote"}
