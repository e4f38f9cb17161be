"""Sort keys for Chinese names: pinyin order (拼音排序), as a Chinese reader expects a list by 名称.

Code-point order puts 青 (U+9752) after 武 (U+6B66) at random; the key spells each character in
pinyin with its tone number (``宝钢国际`` -> ``bao3 gang1 guo2 ji4``), so names sort as in a Chinese
dictionary. Latin letters and digits pass through lower-cased. Stored on the record
(``Project.name_sort``, written at the write door by ``services.ProjectRules.validate``) so the database orders by it.
"""

from pypinyin import Style, lazy_pinyin

NAME_SORT_MAX_LENGTH = 1200


def name_sort_key(name: str) -> str:
    syllables = lazy_pinyin(name or "", style=Style.TONE3, neutral_tone_with_five=True, errors="default")
    return " ".join(part.strip().lower() for part in syllables if part.strip())[:NAME_SORT_MAX_LENGTH]
