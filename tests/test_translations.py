"""The Simplified Chinese catalogue: complete, placeholders intact, and compiled.

These tests read locale/zh_Hans/LC_MESSAGES/django.po and django.mo with the standard
library only (no gettext tools, no database), so they run on any machine. To refresh the
catalogue when strings change, follow locale/README.md.
"""

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

LC_MESSAGES = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
_ESCAPE = re.compile(r"\\(.)")
# Python-format placeholders: %(name)s, %(name)d, %s, %d (a literal %% is not one).
_PLACEHOLDER = re.compile(r"%%|%\([^)]+\)[sd]|%[sd]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict = field(default_factory=dict)  # index (0 for a singular) → text
    flags: set = field(default_factory=set)
    line: int = 0

    @property
    def label(self):
        return f"line {self.line}: {self.msgid!r}"


def _unquote(text, line_no):
    text = text.strip()
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"django.po line {line_no}: expected a quoted string, got {text!r}")
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def parse_po(path):
    """Entries of a .po file (the header included, obsolete `#~` entries left out)."""
    entries = []
    entry, key = None, None

    def finish():
        if entry is not None and (entry.msgstr or entry.msgid):
            entries.append(entry)

    for line_no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if key is not None and key.startswith("msgstr"):
                finish()
                entry, key = None, None
            if entry is None:
                entry = Entry(line=line_no)
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith('"'):
            if key is None:
                raise ValueError(f"django.po line {line_no}: a string outside an entry")
            value = _unquote(line, line_no)
            if key.startswith("msgstr"):
                index = int(key[7:-1]) if "[" in key else 0
                entry.msgstr[index] += value
            else:
                setattr(entry, key, getattr(entry, key) + value)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and key is not None and key.startswith("msgstr"):
            finish()
            entry, key = None, None
        if entry is None:
            entry = Entry(line=line_no)
        value = _unquote(rest, line_no)
        if keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if "[" in keyword else 0
            entry.msgstr[index] = value
        elif keyword in ("msgid", "msgid_plural", "msgctxt"):
            setattr(entry, keyword, value)
            if keyword == "msgid":
                entry.line = line_no
        else:
            raise ValueError(f"django.po line {line_no}: unknown keyword {keyword!r}")
        key = keyword
    finish()
    return entries


ENTRIES = parse_po(PO_PATH)
HEADER = next(e for e in ENTRIES if e.msgid == "" and e.msgctxt is None)
MESSAGES = [e for e in ENTRIES if e is not HEADER]


def placeholders(text):
    return {p for p in _PLACEHOLDER.findall(text) if p != "%%"}


def test_catalogue_has_messages():
    assert len(MESSAGES) > 100, "django.po looks empty: run the steps in locale/README.md"


def test_header():
    header = dict(line.split(":", 1) for line in HEADER.msgstr[0].splitlines() if ":" in line)
    header = {name.strip(): value.strip() for name, value in header.items()}
    assert "fuzzy" not in HEADER.flags, "the header is fuzzy: msgfmt would ignore it"
    assert header.get("Language") == "zh_Hans"
    assert header.get("Plural-Forms") == "nplurals=1; plural=0;"
    assert "charset=UTF-8" in header.get("Content-Type", "")


def test_no_duplicate_entries():
    keys = [(e.msgctxt, e.msgid) for e in MESSAGES]
    duplicates = {key for key in keys if keys.count(key) > 1}
    assert not duplicates


def test_no_fuzzy_entries():
    fuzzy = [e.label for e in MESSAGES if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries (check the translation, then drop the flag): {fuzzy}"


def test_every_entry_translated():
    missing = []
    for entry in MESSAGES:
        if entry.msgid_plural is None:
            if not entry.msgstr.get(0, "").strip():
                missing.append(entry.label)
        # Chinese has one plural form (nplurals=1): msgstr[0] only.
        elif sorted(entry.msgstr) != [0] or not entry.msgstr[0].strip():
            missing.append(entry.label)
    assert not missing, f"untranslated entries, or plural forms other than msgstr[0]: {missing}"


def test_placeholders_kept():
    wrong = []
    for entry in MESSAGES:
        expected = placeholders(entry.msgid_plural or entry.msgid)
        if entry.msgid_plural is not None:
            expected |= placeholders(entry.msgid)
        for index, text in entry.msgstr.items():
            if placeholders(text) != expected:
                wrong.append(f"{entry.label} msgstr[{index}] has {sorted(placeholders(text))}")
    assert not wrong, f"placeholders differ from the msgid: {wrong}"


def test_mo_matches_po():
    """The committed .mo holds the .po's translations: a .po edited without recompiling fails."""
    assert MO_PATH.exists(), "django.mo missing: run compilemessages (locale/README.md)"
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in MESSAGES:
        if entry.msgid_plural is None:
            if entry.msgctxt is None:
                got = compiled.gettext(entry.msgid)
            else:
                got = compiled.pgettext(entry.msgctxt, entry.msgid)
        elif entry.msgctxt is None:
            got = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
        else:
            got = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
        if got != entry.msgstr.get(0):
            stale.append(entry.label)
    assert not stale, f"django.mo is stale (run compilemessages): {stale}"


@pytest.mark.parametrize(
    ("source", "chinese"),
    [
        ("Sales rep", "销售代表"),
        ("Sales manager", "销售经理"),
        ("Legal", "法务"),
        ("General manager", "总经理"),
        ("Sales director", "销售总监"),
        ("Administrator", "系统管理员"),
        ("Sales CRM", "销售CRM"),
        ("Customers", "客户"),
        ("Log in", "登录"),
    ],
)
def test_django_serves_chinese(source, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(source) == chinese
    with translation.override("en"):
        assert translation.gettext(source) == source


def test_role_labels_in_chinese():
    from teams.models import Role

    with translation.override("zh-hans"):
        assert str(Role.SALES_REP.label) == "销售代表"
        assert str(Role.AFTERSALES.label) == "售后"


def test_templates_render_chinese():
    template = Template(
        "{% load i18n %}{% blocktranslate with name=name %}Hello, {{ name }}{% endblocktranslate %}"
        "|{% blocktranslate count counter=n %}{{ counter }} user{% plural %}{{ counter }} users"
        "{% endblocktranslate %}"
    )
    with translation.override("zh-hans"):
        assert template.render(Context({"name": "李伟", "n": 3})) == "您好，李伟|共 3 名用户"
    with translation.override("en"):
        assert template.render(Context({"name": "Li Wei", "n": 1})) == "Hello, Li Wei|1 user"
