"""`evidence tag [POLICY | --all]`, `tag set|unset|explain|list|role|terms`."""

from __future__ import annotations

from typing import Annotated

import typer

from evidence import console
from evidence.cli.base import (
    AllFlag,
    JsonFlag,
    PolicyArgument,
    PolicyGroup,
    PolicyOption,
    chosen_policy,
    new_app,
    open_engine,
    plural,
    read_store,
    settings,
)

app = new_app("Tag each study's design, evidence level and role in the policy.", cls=PolicyGroup)


@app.callback(invoke_without_command=True, no_args_is_help=False)
def tag(
    ctx: typer.Context,
    policy: Annotated[
        str | None,
        typer.Option("--policy", metavar="POLICY", help="Policy id (or first: evidence tag POLICY)."),
    ] = None,
    every: AllFlag = False,
    json: JsonFlag = False,
) -> None:
    """Tag every reference of a policy (evidence tag POLICY), or of all policies.

    Resolved PMIDs are tagged from their PubMed record (publication types, then title,
    abstract and MeSH); unresolved references from their citation text. Running it again
    changes nothing new; tags and roles set by hand are never overwritten.

    Example: evidence tag stem-cell-pad
    """
    if ctx.invoked_subcommand is not None:
        return
    from evidence.services.tag import tag_policies

    policy = chosen_policy(None, policy, every)
    with console.progress("Tagging") as update:
        summary = tag_policies(open_engine(ctx), policy, progress=update)
    if json:
        console.emit_json(summary.to_dict())
        return
    if not summary.policies:
        from evidence.config import store_label

        where = store_label(settings(ctx).db_url)
        console.say(f"No policies yet in {where}; add one with 'evidence policy add FILE'.")
        return
    console.say(
        f"Tagged {plural(summary.references, 'reference')} of "
        f"{plural(len(summary.policies), 'policy', 'policies')} ({summary.changed} changed, "
        f"{plural(summary.manual_kept, 'manual tag')} kept)."
    )
    console.table(
        ["design", "references"],
        [[d, n] for d, n in sorted(summary.by_design.items(), key=lambda kv: _strength(kv[0]))],
        title="By design",
    )
    console.say(
        "Sources: "
        + ", ".join(f"{s} {n}" for s, n in sorted(summary.by_source.items()))
        + " · roles: "
        + ", ".join(f"{r} {n}" for r, n in sorted(summary.by_role.items()))
    )


def _strength(design: str) -> int:
    from evidence.tagging.vocabulary import STRENGTH

    return STRENGTH.get(design, 99)


@app.command("set")
def set_(
    ctx: typer.Context,
    study: Annotated[str, typer.Argument(metavar="PMID", help="PMID, ref:<id> or POLICY#NUMBER.")],
    design: Annotated[str, typer.Argument(help="Design slug, e.g. rct, meta-analysis, guideline.")],
    note: Annotated[str | None, typer.Option("--note", help="Why (kept with the tag).")] = None,
    json: JsonFlag = False,
) -> None:
    """Tag a study by hand; later `evidence tag` runs keep it.

    Example: evidence tag set 29977308 meta-analysis --note "checked the full text"
    """
    from evidence.services.tag import set_tag

    view = set_tag(open_engine(ctx), study, design, note)
    if json:
        console.emit_json(view)
        return
    console.say(f"Tagged {view['subject']} as {view['design']} (manual).")


@app.command("unset")
def unset(
    ctx: typer.Context,
    study: Annotated[str, typer.Argument(metavar="PMID", help="PMID, ref:<id> or POLICY#NUMBER.")],
    json: JsonFlag = False,
) -> None:
    """Remove a tag set by hand; the study is tagged again from its record or citation.

    Example: evidence tag unset 29977308
    """
    from evidence.services.tag import unset_tag

    view = unset_tag(open_engine(ctx), study)
    if json:
        console.emit_json(view)
        return
    now = f"now {view['design']} ({view['source']})" if view["design"] else "untagged until 'evidence tag' runs"
    console.say(f"Removed the manual tag of {view['subject']}; {now}.")


@app.command("explain")
def explain(
    ctx: typer.Context,
    study: Annotated[str, typer.Argument(metavar="PMID", help="PMID, ref:<id> or POLICY#NUMBER.")],
    json: JsonFlag = False,
) -> None:
    """Show why a study has its tag and what each source would have said."""
    from evidence.services.tag import explain as explain_tag

    view = explain_tag(open_engine(ctx), study)
    if json:
        console.emit_json(view)
        return
    out = console.out
    out.print(f"{view['subject']}: {view['title'] or '(no title)'}", markup=False)
    state = "" if view["stored"] else " (not stored yet: run 'evidence tag')"
    mods = f" [{', '.join(view['modifiers'])}]" if view["modifiers"] else ""
    out.print(f"Design: {view['design']}{mods}, level {view['level'] or '-'}{state}", markup=False)
    out.print(f"Decided by {view['source']}: {view['signal']}", markup=False)
    idx = f", indexing {view['indexing']}" if view["indexing"] else ""
    out.print(f"Confidence {view['confidence']:.2f}{idx}", markup=False)
    rows = []
    for source in view["precedence"]:
        alt = view["sources"].get(source)
        rows.append(
            [
                source,
                alt["design"] if alt else "-",
                alt["signal"] if alt else "-",
                f"{alt['confidence']:.2f}" if alt else "",
            ]
        )
    console.table(["source (precedence)", "design", "signal", "confidence"], rows)
    for r in view["references"]:
        out.print(
            f"Cited as {r['policy']}#{r['number']}: role {r['role'] or '?'} "
            f"({r['role_source'] or '-'}: {r['role_signal'] or '-'})",
            markup=False,
        )


@app.command("list")
def list_(
    ctx: typer.Context,
    policy_argument: PolicyArgument = None,
    policy_option: PolicyOption = None,
    json: JsonFlag = False,
) -> None:
    """List a policy's references with design, level, source, confidence and role.

    Example: evidence tag list stem-cell-pad
    """
    from evidence.services.tag import list_tags

    policy = chosen_policy(policy_argument, policy_option, required=True)
    assert policy is not None
    rows = list_tags(read_store(ctx), policy)
    if json:
        console.emit_json(rows)
        return
    short = {"publication-type": "types", "record-text": "record", "citation-text": "citation"}
    console.table(
        ["#", "PMID", "design", "level", "role", "from", "conf", "title"],
        [
            [
                r["number"],
                r["pmid"] or "",
                r["design"] or "(untagged)",
                r.get("level_label", ""),
                r["role"] or "",
                short.get(r.get("source") or "", r.get("source") or ""),
                f"{r['confidence']:.2f}" if r.get("confidence") is not None else "",
                _clip(r["title"] or "", 48),
            ]
            for r in rows
        ],
        title=f"{policy}: {plural(len(rows), 'reference')}",
    )


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command("role")
def role(
    ctx: typer.Context,
    policy: Annotated[str, typer.Argument(metavar="POLICY", help="Policy id.")],
    number: Annotated[int, typer.Argument(help="Reference number in the policy.")],
    value: Annotated[str, typer.Argument(metavar="direct|background", help="The role.")],
    json: JsonFlag = False,
) -> None:
    """Set a reference's role by hand (direct or background); `evidence tag` keeps it."""
    from evidence.services.tag import set_role

    view = set_role(open_engine(ctx), policy, number, value)
    if json:
        console.emit_json(view)
        return
    console.say(f"Reference {policy}#{number} is {view['role']} (manual).")


@app.command("terms")
def terms(
    ctx: typer.Context,
    policy: Annotated[str, typer.Argument(metavar="POLICY", help="Policy id.")],
    add: Annotated[list[str] | None, typer.Option("--add", help="Add a term (repeatable).")] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="Remove a term (repeatable).")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Show or edit the intervention terms that decide direct vs background.

    Re-run `evidence tag` after editing to apply them.
    """
    from evidence.services.tag import edit_terms

    result = edit_terms(open_engine(ctx), policy, add or [], remove or [])
    if json:
        console.emit_json({"policy": policy, "terms": result})
        return
    for t in result:
        console.out.print(t, markup=False)
    if add or remove:
        console.say(f"Terms saved; run 'evidence tag {policy}' to apply them.")
