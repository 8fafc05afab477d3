"""Whole policies in six house styles, each citing real PubMed records with no PMID printed:
`policy add` -> `resolve` -> `policy show --json` gives every reference, the right PMIDs and
never a wrong one, and the title and dates as written. The figures over all records are
`make eval` (bench/e2e_eval.py); this runs a dozen records per policy."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))


@pytest.fixture(scope="module")
def corpus():  # type: ignore[no-untyped-def]
    from match_eval import CORPUS, load_records

    if not CORPUS.is_dir():
        pytest.skip("../shared/corpora/eutils-real is not present")
    return load_records()


@pytest.fixture(scope="module")
def policies(corpus):  # type: ignore[no-untyped-def]
    from e2e_eval import DEJAVU, build

    if not DEJAVU.exists():
        pytest.skip(f"{DEJAVU} absent (Debian package fonts-dejavu-core)")
    records, _ = corpus
    return build(records, per_policy=12)


@pytest.mark.parametrize("k", range(6), ids=["cigna", "aetna", "premera-md", "anthem-html", "medicaid-pdf", "hta-pdf"])
def test_policy_in_house_style_resolves_without_printed_pmids(
    k, corpus, policies, cli, fake_eutils, tmp_path, monkeypatch
):
    from e2e_eval import compare

    _, files = corpus
    for path in files:
        fake_eutils.add_xml(path.read_bytes())
    monkeypatch.setenv("NCBI_API_KEY", "test-key")
    built = policies[k]
    path = tmp_path / built.name
    path.write_bytes(built.data)
    added = cli("policy", "add", str(path), "--id", "p")
    assert added.exit_code == 0, added.output
    assert cli("resolve", "p").exit_code in (0, 3)
    outcome = compare(built, json.loads(cli("policy", "show", "p", "--json").stdout))
    assert (outcome.found, outcome.metadata_wrong) == (outcome.written, []), outcome.misses
    assert outcome.wrong == 0 and outcome.others_given_pmid == 0, outcome.misses
    assert outcome.right >= 0.97 * outcome.articles, outcome.misses


@pytest.mark.parametrize(
    ("raw", "title", "journal", "first"),
    [
        (
            "Okafor, C.N. et al. (2021) 'Widget therapy for gadgetosis: a trial', Journal of gadget medicine "
            "(Oxford, England), 14(3), pp. 201-212.",
            "Widget therapy for gadgetosis: a trial",
            "Journal of gadget medicine",
            "Okafor CN",
        ),
        (
            "Ruiz Gallardo, M. and Hoang, T.T. (2019) 'Sham-controlled widget trials', Annals of gadget surgery : "
            "official journal of the Widget Society, 7(2), pp. 88-97.",
            "Sham-controlled widget trials",
            "Annals of gadget surgery : official journal of the Widget Society",
            "Ruiz Gallardo M",
        ),
    ],
)
def test_harvard_quoted_title_ends_at_its_quote(raw, title, journal, first):
    from evidence.citations import parse_citation

    c = parse_citation(raw, 1)
    assert (c.kind, c.title, c.authors[0]) == ("article", title, first)
    assert c.journal and c.journal.startswith(journal)


def test_apa_list_wrapped_after_the_year_and_a_doi_line_are_one_entry_each():
    from evidence.policy.reflist import find_reference_list

    lines = [
        "References",
        "Abara, K. L., & Osei, M. (2021).",
        "Widget therapy for refractory gadgetosis. Journal of Gadget Medicine, 14(3), 201–212.",
        "https://doi.org/10.1234/jgm.2021.001",
        "van den Berg, F. F., & Boer, M. A. (2023). Update on widgets.",
        "Gadget Reviews, 29(2), 145–151. https://doi.org/10.1234/gr.2023.002",
        "Fishman, S. M., & Ballard, J. C. (Eds.). (2018). Management of gadget pain (5th ed.).",
        "Wolters Kluwer.",
        "Zhou, Y., Li, X., & Liao, H. (2020). Long-term outcomes of widget implantation: a registry",
        "study. Gadget Reviews, 12(1), 1–9. https://doi.org/10.1234/gr.2020.003",
        "",
        "Appendix A. Search strategy",
    ]
    found = find_reference_list(lines)
    assert [e.text.split(",")[0] for e in found.entries] == ["Abara", "van den Berg", "Fishman", "Zhou"]
    assert found.entries[0].text.endswith("https://doi.org/10.1234/jgm.2021.001")
    assert found.entries[2].text.endswith("Wolters Kluwer.")
