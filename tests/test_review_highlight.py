"""The words the screen page marks in a record: the policy's terms with their inflections,
the longest phrase first, nothing lost or reordered in the text."""

from __future__ import annotations

from evidence.review.highlight import highlight_terms, mark

TERMS = highlight_terms(["stem cell", "bone marrow"], ["critical limb ischemia", "peripheral arterial disease"])


def _marked(text: str) -> list[tuple[str, str]]:
    return [(t, k) for t, k in mark(text, TERMS) if k]


def test_the_pieces_put_back_together_are_the_text():
    text = "Autologous bone-marrow stem cells in chronic limb-threatening ischaemia (n = 40) 𝛼 résumé"
    assert "".join(t for t, _ in mark(text, TERMS)) == text
    assert mark(None, TERMS) == [] and mark("", TERMS) == []


def test_inflections_and_the_longest_phrase_win():
    text = "Stem cells for critical limb ischemia in peripheral arterial disease; arterial-wall limbs."
    assert _marked(text) == [
        ("Stem cells", "intervention"),
        ("critical limb ischemia", "condition"),
        ("peripheral arterial disease", "condition"),
        ("arterial-wall", "condition"),  # a distinctive word of the condition, alone and inflected
        ("limbs", "condition"),
    ]


def test_general_words_are_not_marked_alone_and_no_terms_mark_nothing():
    assert "disease" not in TERMS["condition"] and "critical" not in TERMS["condition"]
    assert _marked("A chronic disease, critical to patients.") == []
    assert mark("Stem cells.", {"intervention": [], "condition": []}) == [("Stem cells.", None)]
