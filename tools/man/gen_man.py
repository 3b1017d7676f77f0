#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gen_man.py — OpenTAPI's manual pages, each generated from the one source it describes, so the
two cannot disagree (docs/building.md, "Manual pages").

    gen_man.py list TAPI_H
        the functions that get a page (for the build system)
    gen_man.py api TAPI_H OUTDIR VERSION
        one section 3 page per function of tapi.h, from the header's own documentation comments
        (/** name() - summary. @param: ... Return: ... Errors: ... */) and its prototype
    gen_man.py kit-list OTSP_H
    gen_man.py kit OTSP_H OUTDIR VERSION
        the same for the provider kit's otsp.h: one page per public function, from the comment
        (/** name(), other() - summary. ... Returns ... */) and the declarations that follow it
    gen_man.py doc PAGE.md NAME SECTION VERSION OUT SUMMARY
        the page NAME(SECTION) from a page of docs/ (the subset of Markdown docs/ uses)
    gen_man.py help PROGRAM SECTION VERSION OUT
        the page of a program from its own --help text and, when it lists commands (phonectl),
        `PROGRAM help COMMAND` for each of them

The pages are plain man(7) macros; `man -l --warnings` renders each without a warning (the test
`manpages` checks it). Standard library only.
"""

import datetime
import os
import re
import subprocess
import sys

# The pages' date: SOURCE_DATE_EPOCH (reproducible builds), else when this generator last changed.
DATE = datetime.datetime.fromtimestamp(
    int(os.environ.get("SOURCE_DATE_EPOCH", os.path.getmtime(__file__))),
    datetime.timezone.utc).strftime("%Y-%m-%d")


def esc(text):
    """Text for a roff line: backslashes and hyphens escaped, no line starting with . or '."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(("\\&" + l) if l.startswith((".", "'")) else l for l in text.split("\n"))


def header(name, section, version, title):
    return (f'.TH {name.upper() if section != "3" else name} {section} "{DATE}" '
            f'"OpenTAPI {version}" "{title}"\n')


# ---- section 3: tapi.h ---------------------------------------------------------------------

DOC_RE = re.compile(r"/\*\*(.*?)\*/\s*OPENTAPI_EXPORT\s+LONG\s+WINAPI\s+(\w+)\s*\((.*?)\);", re.S)


def parse_doc(body):
    """The comment's lines without their ' * ' prefixes, joined."""
    lines = [re.sub(r"^\s*\*\s?", "", l) for l in body.strip().split("\n")]
    return " ".join(l.strip() for l in lines if l.strip())


def split_doc(name, doc):
    """summary (the first sentence), description (the rest of the text before Return:), the
    return text, the list of errors."""
    m = re.match(re.escape(name) + r"\(\)\s*-\s*(.*)", doc)
    rest = m.group(1) if m else doc
    ret = errors = ""
    if "Return:" in rest:
        rest, ret = rest.split("Return:", 1)
        if "Errors:" in ret:
            ret, errors = ret.split("Errors:", 1)
    summary = re.split(r"(?<=[.)])\s", rest.strip(), 1)[0].rstrip(".")
    errs = [e.strip().rstrip(".;") for e in errors.split(",") if e.strip()]
    return summary, rest.strip(), ret.strip(), errs


def prototype(name, args):
    return f"LONG {name}({' '.join(args.split())});"


def text(s):
    """Escaped text with @parameter in italics."""
    return re.sub(r"@(\w+)", r"\\fI\1\\fP", esc(s))


def man3(name, doc, args, version, others):
    summary, description, ret, errs = split_doc(name, doc)
    out = [header(name, "3", version, "OpenTAPI Programmer's Manual")]
    out.append(".SH NAME\n" + esc(name) + " \\- " + text(summary.replace("@", "")) + "\n")
    out.append(".SH SYNOPSIS\n.nf\n.B #include <tapi.h>\n.sp\n" + esc(prototype(name, args)) +
               "\n.fi\n.PP\nCompile and link with\n.IR \"$(pkg\\-config \\-\\-cflags \\-\\-libs opentapi)\" .\n")
    out.append(".SH DESCRIPTION\n" + text(description) + "\n")
    if ret:
        out.append(".SH RETURN VALUE\n" + text(ret) + "\n")
    if errs:
        full = [e if e.startswith("PHONEERR_") or " " in e else "PHONEERR_" + e for e in errs]
        out.append(".SH ERRORS\n" + ",\n".join(".B " + esc(e) for e in full) + "\n.PP\n"
                   "What each error means for this function, and the order of the checks, is in\n"
                   ".I decisions.md\nof the documentation installed with OpenTAPI.\n")
    see = sorted(o for o in others if o != name)
    out.append(".SH SEE ALSO\n" + "".join(f".BR {esc(o)} (3),\n" for o in see) +
               ".BR phonectl (1),\n.BR opentapi.conf (5),\n.BR opentapi (7)\n")
    return "".join(out)


def gen_api(tapi_h, outdir, version):
    text = open(tapi_h, encoding="utf-8").read()
    funcs = [(m.group(2), parse_doc(m.group(1)), m.group(3)) for m in DOC_RE.finditer(text)]
    os.makedirs(outdir, exist_ok=True)
    names = [f[0] for f in funcs]
    for name, doc, args in funcs:
        # The A and W forms point at their function and the other forms of it.
        base = re.sub(r"[AW]$", "", name) if (name[-1] in "AW" and name[:-1] in names) else name
        family = [n for n in names if n == base or (n[:-1] == base and n[-1] in "AW")]
        with open(os.path.join(outdir, name + ".3"), "w", encoding="utf-8") as f:
            f.write(man3(name, doc, args, version, family if len(family) > 1 else []))
    return names


# ---- section 3: otsp.h, the provider kit ---------------------------------------------------

# A documentation comment and the lines right after it (up to a blank line or the next comment).
KIT_DOC_RE = re.compile(r"^/\*\*(.*?)\*/\n((?:(?!/\*)[^\n]+\n)+)", re.S | re.M)
ATTRIBUTE_RE = re.compile(r"\s*__attribute__\(\(.*?\)\)\s*(?=;)")


def kit_funcs(otsp_h):
    """[(names declared by the block, doc text, synopsis lines)] for each documented block: the
    prototypes (attributes dropped) and the #defines that go with them."""
    blocks = []
    for m in KIT_DOC_RE.finditer(open(otsp_h, encoding="utf-8").read()):
        decls, stmt = [], ""
        for line in m.group(2).split("\n"):
            if line.startswith("#"):
                decls.append(line.strip())
            elif line.strip():
                stmt += " " + line.strip()
                if stmt.endswith(";"):
                    decls.append(ATTRIBUTE_RE.sub("", " ".join(stmt.split())))
                    stmt = ""
        names = [re.search(r"(\w+)\s*\(", d).group(1) for d in decls
                 if not d.startswith("#") and "(" in d]
        if names:
            blocks.append((names, parse_doc(m.group(1)), decls))
    return blocks


def kit_page(name, names, doc, decls, version, everyone):
    m = re.match(r"((?:\w+\(\),?\s*)+)-\s*(.*)", doc)
    rest = m.group(2) if m else doc
    sentences = re.split(r"(?<=\.)\s+(?=[A-Z])", rest.strip())
    summary = sentences[0].rstrip(".")
    ret = " ".join(x for x in sentences if x.startswith("Returns "))
    description = " ".join(x for x in sentences if not x.startswith("Returns "))
    out = [header(name, "3", version, "OpenTAPI Provider Kit")]
    out.append(".SH NAME\n" + ", ".join(esc(n) for n in names) + " \\- " + esc(summary) + "\n")
    out.append(".SH SYNOPSIS\n.nf\n.B #include <otsp.h>\n.sp\n" + esc("\n".join(decls)) +
               "\n.fi\n.PP\nBuild a provider module with\n"
               ".IR \"cc \\-shared \\-fPIC ... $(pkg\\-config \\-\\-cflags \\-\\-libs otsp)\" .\n")
    out.append(".SH DESCRIPTION\n" + esc(description) + "\n")
    if ret:
        out.append(".SH RETURN VALUE\n" + esc(ret[len("Returns "):][0].upper() +
                                                ret[len("Returns ") + 1:]) + "\n")
    out.append(".SH NOTES\nThe model of the kit (the table of operations, requests and their "
               "completion, threads and locks, ownership of the engine's pointers) is in\n"
               ".BR otsp (7)\nand in the comment at the top of\n.IR otsp.h .\n")
    see = sorted(n for n in everyone if n != name)
    out.append(".SH SEE ALSO\n.BR otsp (7),\n" + "".join(f".BR {esc(o)} (3),\n" for o in see) +
               ".BR tapisrv (8),\n.BR opentapi.conf (5)\n")
    return "".join(out)


def gen_kit(otsp_h, outdir, version):
    blocks = kit_funcs(otsp_h)
    everyone = [n for names, _, _ in blocks for n in names]
    os.makedirs(outdir, exist_ok=True)
    for names, doc, decls in blocks:
        for name in names:
            with open(os.path.join(outdir, name + ".3"), "w", encoding="utf-8") as f:
                f.write(kit_page(name, names, doc, decls, version, everyone))


# ---- programs: their --help ----------------------------------------------------------------


def run(argv):
    p = subprocess.run(argv, capture_output=True, text=True)
    return (p.stdout or p.stderr).rstrip("\n")


def help_block(text):
    return ".PP\n.nf\n" + esc(text) + "\n.fi\n"


def commands_of(usage):
    """The command names of a --help text's "Commands:" section (phonectl's)."""
    m = re.search(r"^Commands:\n(.*?)\n\n", usage, re.S | re.M)
    return sorted({l.split()[0] for l in m.group(1).split("\n")
                   if re.match(r"^  [a-z]", l)}) if m else []


def gen_help(program, section, version, out):
    name = os.path.basename(program)
    usage = run([program, "--help"])
    commands = [c for c in commands_of(usage) if c != "help"]
    first = usage.split("\n", 2)
    title = {"1": "User Commands", "8": "System Administration"}[section]
    page = [header(name, section, version, title)]
    summary = {"phonectl": "control TAPI phone devices through OpenTAPI",
               "tapisrv": "the OpenTAPI telephony server"}.get(name, name)
    page.append(".SH NAME\n" + esc(f"{name} - {summary}") + "\n")
    page.append(".SH SYNOPSIS\n" + help_block(first[0].replace("usage: ", "").replace("Usage: ", "")))
    page.append(".SH DESCRIPTION\nThe text of\n.B " + esc(name) + " \\-\\-help\n"
                "follows.\n" + help_block("\n".join(first[1:])))
    if commands:
        page.append(".SH COMMANDS\n")
        for c in commands:
            page.append(".SS " + esc(c) + "\n" + help_block(run([program, "help", c])))
    page.append(".SH SEE ALSO\n.BR " + ("tapisrv (8)" if name == "phonectl" else "phonectl (1)") +
                ",\n.BR opentapi.conf (5),\n.BR opentapi (7),\n.BR phoneSetData (3)\n.PP\n"
                "The documentation installed in /usr/share/doc/opentapi (phonectl.md, server.md, "
                "configuration.md).\n")
    with open(out, "w", encoding="utf-8") as f:
        f.write("".join(page))

# ---- pages from a page of docs/ ------------------------------------------------------------


def inline(s):
    """Markdown inline text as roff: `code` bold, links as their text, escapes."""
    s = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", s)
    parts = re.split(r"`([^`]*)`", s)
    out = []
    for i, part in enumerate(parts):
        part = esc(part).replace("**", "")
        out.append(f"\\fB{part}\\fP" if i % 2 else part)
    return "".join(out)


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def markdown(md_text):
    """The subset of Markdown that docs/ uses: headings, paragraphs, lists, code blocks, tables
    (a row becomes a tagged paragraph: its first cell, then the others)."""
    out, para, lines = [], [], md_text.split("\n")
    header_row = None

    def flush():
        if para:
            out.append(".PP\n" + inline(" ".join(para)) + "\n")
            para.clear()

    i = 0
    while i < len(lines):
        l = lines[i]
        if l.startswith("```"):
            flush()
            block = []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                block.append(lines[i])
                i += 1
            out.append(".PP\n.nf\n.RS 4\n" + esc("\n".join(block)) + "\n.RE\n.fi\n")
        elif re.match(r"^#+ ", l):
            flush()
            level, title = len(l.split(" ")[0]), l.split(" ", 1)[1]
            if level > 1:
                out.append((".SH " if level == 2 else ".SS ") + inline(title).upper().replace(
                    "\\FB", "\\fB").replace("\\FP", "\\fP") + "\n")
        elif l.startswith("|"):
            flush()
            row = cells(l)
            if all(re.match(r"^:?-+:?$", c) for c in row):
                pass
            elif header_row is None:
                header_row = row
            else:
                tag, rest = row[0], row[1:]
                named = [f"{header_row[k + 1]}: {c}" if k + 1 < len(header_row) and len(rest) > 1
                         else c for k, c in enumerate(rest)]
                out.append(".TP\n" + inline(tag) + "\n" + inline("; ".join(named)) + "\n")
        elif re.match(r"^\s*([-*]|\d+\.) ", l):
            flush()
            item = [re.sub(r"^\s*([-*]|\d+\.) ", "", l)]
            while i + 1 < len(lines) and lines[i + 1].startswith("  ") and lines[i + 1].strip():
                i += 1
                item.append(lines[i].strip())
            out.append(".IP \\(bu 2\n" + inline(" ".join(item)) + "\n")
        elif not l.strip():
            flush()
            header_row = None if not l.strip() else header_row
        else:
            para.append(l.strip())
        i += 1
    flush()
    return "".join(out)


def doc_name(md_file):
    """The page's name in the installed documentation: docs/server.md is server.md,
    docs/providers/sim.md is providers/sim.md."""
    parent = os.path.basename(os.path.dirname(os.path.abspath(md_file)))
    base = os.path.basename(md_file)
    return base if parent == "docs" else parent + "/" + base


# The kit's pages that otsp(7), its guide, points to.
KIT_SEE_ALSO = ["otsp_complete", "otsp_phone_event", "otsp_phone_set_caps", "otsp_phone_priv"]


def gen_doc(md_file, name, section, version, out, summary):
    text = open(md_file, encoding="utf-8").read()
    body = text.split("\n", 1)[1] if text.startswith("# ") else text
    title = {"5": "File Formats", "7": "Miscellaneous"}[section]
    page = [header(name, section, version, title),
            ".SH NAME\n" + esc(f"{name} - {summary}") + "\n",
            markdown(body),
            ".SH SEE ALSO\n" + ("".join(f".BR {f} (3),\n" for f in KIT_SEE_ALSO) if name == "otsp"
                               else "") + ".BR phonectl (1),\n.BR tapisrv (8),\n.BR " +
            ("opentapi (7)" if section == "5" else "opentapi.conf (5)") + ",\n.BR phoneSetData (3)\n.PP\nThis page is "
            + esc(doc_name(md_file)) + " of the documentation installed with OpenTAPI.\n"]
    with open(out, "w", encoding="utf-8") as f:
        f.write("".join(page))



def main(argv):
    if len(argv) == 5 and argv[1] == "api":
        gen_api(argv[2], argv[3], argv[4])
    elif len(argv) == 5 and argv[1] == "kit":
        gen_kit(argv[2], argv[3], argv[4])
    elif len(argv) == 3 and argv[1] == "kit-list":
        print("\n".join(n for names, _, _ in kit_funcs(argv[2]) for n in names))
    elif len(argv) == 3 and argv[1] == "list":
        text_ = open(argv[2], encoding="utf-8").read()
        print("\n".join(m.group(2) for m in DOC_RE.finditer(text_)))
    elif len(argv) == 8 and argv[1] == "doc":
        gen_doc(argv[2], argv[3], argv[4], argv[5], argv[6], argv[7])
    elif len(argv) == 6 and argv[1] == "help":
        gen_help(argv[2], argv[3], argv[4], argv[5])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
