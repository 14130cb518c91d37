"""National identifiers Presidio does not ship, for copyguard's languages (checksum-validated).

* ``FR_NIR``: French social-security number (INSEE, 13 digits + 2-digit key, mod 97).
* ``BR_CPF``: Brazilian taxpayer id (11 digits, two mod-11 check digits).
* ``PT_NIF``: Portuguese tax number (9 digits, mod-11 check digit).
* ``CN_RESIDENT_ID``: Chinese resident identity card (18 characters, ISO 7064 MOD 11-2, with a
  valid birth date inside).
* ``JP_MY_NUMBER``: Japanese individual number (12 digits, check digit per the Cabinet Office
  ordinance on the individual number).

Numbers that only pass the checksum by chance are common among 9- and 12-digit strings, so
those recognizers keep a low score and need a context word; the longer ids validate to 1.0.
"""

from __future__ import annotations

import re
from datetime import datetime

from presidio_analyzer import Pattern, PatternRecognizer


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


class FrNirRecognizer(PatternRecognizer):  # type: ignore[misc]
    def __init__(self, supported_language: str = "fr") -> None:
        pattern = (r"\b[12][ .]?\d{2}[ .]?(?:0[1-9]|1[0-2]|[2-9]\d)[ .]?(?:\d{2}|2[ABab])[ .]?"
                   r"\d{3}[ .]?\d{3}[ .]?\d{2}\b")
        super().__init__(supported_entity="FR_NIR", name="FrNirRecognizer",
                         patterns=[Pattern("NIR", pattern, 0.4)],
                         context=["sécurité sociale", "securite sociale", "nir", "insee",
                                  "carte vitale", "sécu"],
                         supported_language=supported_language)

    def validate_result(self, pattern_text: str) -> bool:
        raw = re.sub(r"[ .]", "", pattern_text).upper()
        body, key = raw[:13], int(raw[13:])
        body = body.replace("2A", "19").replace("2B", "18")
        return 97 - int(body) % 97 == key


class BrCpfRecognizer(PatternRecognizer):  # type: ignore[misc]
    def __init__(self, supported_language: str = "pt") -> None:
        super().__init__(supported_entity="BR_CPF", name="BrCpfRecognizer",
                         patterns=[Pattern("CPF formatted", r"\b\d{3}\.\d{3}\.\d{3}-\d{2}\b", 0.5),
                                   Pattern("CPF digits", r"\b\d{11}\b", 0.2)],
                         context=["cpf", "cadastro de pessoas"],
                         supported_language=supported_language)

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = [int(d) for d in _digits(pattern_text)]
        if len(set(digits)) == 1:
            return False
        for size in (9, 10):
            total = sum(d * w for d, w in zip(digits[:size], range(size + 1, 1, -1), strict=True))
            if (total * 10) % 11 % 10 != digits[size]:
                return False
        return True if "." in pattern_text else None


class PtNifRecognizer(PatternRecognizer):  # type: ignore[misc]
    def __init__(self, supported_language: str = "pt") -> None:
        super().__init__(supported_entity="PT_NIF", name="PtNifRecognizer",
                         patterns=[Pattern("NIF", r"\b[1235689]\d{2} ?\d{3} ?\d{3}\b", 0.2)],
                         context=["nif", "contribuinte", "número fiscal", "numero fiscal"],
                         supported_language=supported_language)

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = [int(d) for d in _digits(pattern_text)]
        check = 11 - sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) % 11
        return None if (0 if check >= 10 else check) == digits[8] else False


class CnResidentIdRecognizer(PatternRecognizer):  # type: ignore[misc]
    _WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

    def __init__(self, supported_language: str = "zh") -> None:
        super().__init__(supported_entity="CN_RESIDENT_ID", name="CnResidentIdRecognizer",
                         patterns=[Pattern("resident id",
                                           r"(?<!\d)[1-9]\d{5}(?:19|20)\d{9}[\dXx](?![\dA-Za-z])",
                                           0.4)],
                         context=["身份证", "身份證", "证件", "證件"],
                         supported_language=supported_language)

    def validate_result(self, pattern_text: str) -> bool:
        try:
            datetime.strptime(pattern_text[6:14], "%Y%m%d")
        except ValueError:
            return False
        total = sum(int(d) * w for d, w in zip(pattern_text[:17], self._WEIGHTS, strict=True))
        return "10X98765432"[total % 11] == pattern_text[17].upper()


class JpMyNumberRecognizer(PatternRecognizer):  # type: ignore[misc]
    def __init__(self, supported_language: str = "ja") -> None:
        super().__init__(supported_entity="JP_MY_NUMBER", name="JpMyNumberRecognizer",
                         patterns=[Pattern("my number", r"(?<!\d)\d{4}[ -]?\d{4}[ -]?\d{4}(?!\d)",
                                           0.3)],
                         context=["マイナンバー", "個人番号"],
                         supported_language=supported_language)

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = [int(d) for d in _digits(pattern_text)]
        body = digits[:11][::-1]
        total = sum(d * (n + 1 if n <= 6 else n - 5) for n, d in enumerate(body, start=1))
        check = 0 if total % 11 <= 1 else 11 - total % 11
        return None if check == digits[11] else False


NATIONAL_RECOGNIZERS: dict[str, type[PatternRecognizer]] = {
    cls.__name__: cls for cls in (FrNirRecognizer, BrCpfRecognizer, PtNifRecognizer,
                                  CnResidentIdRecognizer, JpMyNumberRecognizer)
}
