"""Keys for duplicate detection: the same company typed two ways gives the same key."""

import re
import unicodedata

# Legal-form words that do not tell two companies apart.
_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司", "co ltd", "ltd", "inc")


def name_key(name):
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = re.sub(r"[\s\W_]+", " ", text).strip()
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)].strip()
            break
    return text.replace(" ", "")


def phone_key(phone):
    """Digits only, without a leading China country code."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def credit_code(code):
    return unicodedata.normalize("NFKC", code or "").strip().upper()


PHONE_RE = re.compile(r"^\+?[\d\s\-()]{7,20}$")


def is_valid_phone(phone):
    return bool(PHONE_RE.match(phone or "")) and 7 <= len(phone_key(phone)) <= 15
