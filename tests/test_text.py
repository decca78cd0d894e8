"""The canonical-text rule: the fast implementation equals the plain definition of DESIGN §2."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from budget_planner import text
from budget_planner.text import canonical, compact


def plain_definition(value: object) -> str:
    """DESIGN §2 written out directly: NFKC, odd spaces to spaces, runs collapse, ends stripped."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[ \t\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{2,}", "\n", text).strip()


OFFICE_TEXT = st.text(
    alphabet=st.sampled_from(
        [
            *"知识产权高质量创造()，,：:《》“”·—-万元1",
            *"\uff08\uff09\u3000 \u00a0\n\r\t\uff15\uff10\uff12",
            *("\u200b", "\ufeff", "\uff45", "\u0301", "e", "\u2460", "\u33a1", "\U0001d400"),
        ]
    )
)


@given(st.one_of(OFFICE_TEXT, st.text()))
def test_fast_canonical_equals_the_definition(s):
    assert canonical(s) == plain_definition(s)


# every full-width mark the fast path replaces itself (the five common ones first, then the rest),
# mixed with what sends it on to the general path (a circled digit, a combining accent, ㎡)
FULL_WIDTH_MARKS = st.text(
    alphabet=st.sampled_from(
        [
            *"，（）：；！？\u3000％．／－\uff5e",
            *"知识产权项目经费万元 \n",
            "\u2460",
            "\u0301",
            "\u33a1",
        ]
    )
)


@given(FULL_WIDTH_MARKS)
def test_fast_canonical_equals_the_definition_for_full_width_marks(s):
    assert canonical(s) == plain_definition(s)


@given(st.text())
def test_canonical_is_idempotent_and_compact_has_no_whitespace(s):
    assert canonical(canonical(s)) == canonical(s)
    assert not re.search(r"\s", compact(s))


def test_the_seed_quirks():
    assert canonical("知识产权\n\n高质量创造") == "知识产权\n高质量创造"
    assert compact("知识产权\n\n高质量创造") == "知识产权高质量创造"
    assert canonical("经费安排（万元）") == "经费安排(万元)"
    assert (
        canonical(" 建立知识产权管理制度，探索专利分级管理 ")
        == "建立知识产权管理制度,探索专利分级管理"
    )
    assert canonical(12.5) == "12.5" and canonical(None) == ""


def test_written_out_nfkc_class_is_the_computed_one():
    # text._UNSTABLE_CLASS saves computing the class in every process; it must stay exact
    assert text.unstable_class() == text._UNSTABLE_CLASS
    assert text._unstable().fullmatch("０１２，（）㈠ﬁ")
    assert not text._unstable().search("知识产权项目 abc")
