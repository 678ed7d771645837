"""Japanese text helpers for readings, 五十音 sorting and forgiving search.

Kanji are never normalised here (髙 stays 髙 in storage and display); only
search keys fold variants so that typing 高橋 finds 髙橋.
"""

from __future__ import annotations

import re
import unicodedata

_KATAKANA_START, _KATAKANA_END = 0x30A1, 0x30F6  # ァ..ヶ
_KANA_OFFSET = 0x60
_SMALL_TO_LARGE = str.maketrans("ぁぃぅぇぉっゃゅょゎゕゖ", "あいうえおつやゆよわかけ")
_DAKUTEN = ("\u3099", "\u309a")

# Common 異体字 in names folded to one form, for search only. Every variant maps straight to
# its final form (str.translate makes a single pass): 齋, 齊 and 斎 all become 斉.
_VARIANTS = str.maketrans(
    {
        "髙": "高", "﨑": "崎", "嵜": "崎", "邊": "辺", "邉": "辺", "濵": "浜", "濱": "浜",
        "澤": "沢", "齋": "斉", "齊": "斉", "斎": "斉", "櫻": "桜", "廣": "広", "國": "国",
        "眞": "真", "惠": "恵", "德": "徳", "榮": "栄", "瀨": "瀬", "𠮷": "吉",
        "冨": "富", "槇": "槙", "舘": "館", "峯": "峰", "嶋": "島", "嶌": "島", "籠": "篭",
    }
)


_TO_HIRAGANA = {code: code - _KANA_OFFSET for code in range(_KATAKANA_START, _KATAKANA_END + 1)}


def katakana_to_hiragana(text: str) -> str:
    """Full-width katakana to hiragana; everything else unchanged (ー stays ー)."""
    return text.translate(_TO_HIRAGANA)


def normalise_reading(text: str) -> str:
    """A reading as stored: hiragana, half-width kana widened, spaces removed."""
    widened = unicodedata.normalize("NFKC", text)  # safe: readings hold no kanji
    return katakana_to_hiragana(widened).replace(" ", "").replace("\u3000", "")


_HIRAGANA_ONLY = re.compile(r"[\u3041-\u3096ーゝゞ]*")


def is_hiragana_reading(text: str) -> bool:
    """True when every character is hiragana or the long-vowel mark."""
    return _HIRAGANA_ONLY.fullmatch(text) is not None


def gojuon_key(reading: str) -> tuple[str, str]:
    """Sort key in 五十音 order: dakuten and small kana sort with their base kana first.

    がく sorts between かき and かけ, as in a Japanese dictionary, not after all か-words.
    """
    hira = normalise_reading(reading)
    decomposed = unicodedata.normalize("NFD", hira)
    base = "".join(ch for ch in decomposed if ch not in _DAKUTEN).translate(_SMALL_TO_LARGE)
    return base, hira


_VOICED = {code: None for code in (0x3099, 0x309A)}


def search_fold(text: str) -> str:
    """Fold text for matching: width, case, kana kind, voicing marks and common name variants.

    濁点 and 半濁点 are dropped, as a clerk expects: やまさき finds やまざき (readings are often
    heard, or typed, without them). Kanji are unchanged by NFD, so only kana lose their marks.
    """
    folded = katakana_to_hiragana(unicodedata.normalize("NFKC", text.translate(_VARIANTS)).lower())
    if any("\u3041" <= ch <= "\u309f" for ch in folded):  # kana present: strip the voicing marks
        folded = unicodedata.normalize("NFC", unicodedata.normalize("NFD", folded).translate(_VOICED))
    return folded.replace(" ", "").replace("\u3000", "")
