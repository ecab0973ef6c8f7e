"""Keys for duplicate detection: the same company typed two ways gives the same key."""

import re
import unicodedata

# Legal-form words that do not tell two companies apart.
_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司", "co ltd", "ltd", "inc")


def name_key(name):
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = re.sub(r"[\s\W_]+", " ", text).strip()
    # Legal forms stack ("（集团）有限公司", "集团股份有限公司"): strip them until none is left.
    stripped = True
    while stripped:
        stripped = False
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)].strip()
                stripped = True
                break
    return text.replace(" ", "")


def phone_key(phone):
    """Digits only, in the domestic form: a China country code (+86, 0086) is dropped and a
    landline dialled from abroad gets its trunk 0 back, so "+86 21 6234 5678",
    "(021) 6234-5678" and "021 62345678" give the same key.

    A domestic number never starts with 86 (mobiles start with 1, landlines with 0), so 11 to
    13 digits starting with 86 carry the country code."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))
    if digits.startswith("0086"):
        national = digits[4:]
    elif digits.startswith("86") and 11 <= len(digits) <= 13:
        national = digits[2:]
    else:
        return digits
    is_mobile = len(national) == 11 and national.startswith("1")
    if not is_mobile and not national.startswith("0"):
        national = "0" + national
    return national


def credit_code(code):
    return unicodedata.normalize("NFKC", code or "").strip().upper()


def customer_keys(name, phone, code):
    """A customer's duplicate keys as stored: the services and the test factories both write
    them from here, so a test row is found by duplicate detection as a real one is."""
    return {
        "name_key": name_key(name),
        "phone_key": phone_key(phone),
        "credit_code": credit_code(code),
    }


PHONE_RE = re.compile(r"^\+?[\d\s\-()]{7,20}$")


def is_valid_phone(phone):
    return bool(PHONE_RE.match(phone or "")) and 7 <= len(phone_key(phone)) <= 15
