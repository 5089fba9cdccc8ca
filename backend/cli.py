"""Admin command line: ``python -m backend.cli`` (or the ``truelevel`` console script).

migrate                                   apply database migrations; create the installation's
                                          secret key once (unless TRUELEVEL_SECRET_KEY is set)
create-org NAME --admin-email E [--admin-password P]
                                          prints JSON: organisation id, admin, all-scope API key
create-api-key --org ID --scope S [--name N]
                                          prints JSON with the new key (shown once)
revoke-api-key --org ID --key-id K
add-member --org ID --email E --role R [--password P]
demo                                      loads a demo organisation (idempotent)
erase-candidate --org ID --email E       hard-deletes everything of the candidate with that email
                                          (keys, sessions, evaluations, zips, applications,
                                          interviews, emails); prints what was deleted
export-candidate --org ID --email E [--output FILE]
                                          writes a zip of everything held about the candidate
                                          (person.json and their stored files); prints a summary
audit --org ID [--since YYYY-MM-DD] [--action A] [--limit N]
                                          prints the organisation's audit log, newest first
backup FILE                               writes the database and every stored file to FILE
restore FILE [--force]                    puts a backup back (refuses a non-empty database
                                          unless --force, and a backup of newer code)
billing status --org ID                   prints JSON: plan, subscription, quota use, credits
billing grant-credits --org ID --amount N --reason R
                                          adds interview credits (a ledger entry)
billing set-plan --org ID --plan P [--quota N] [--credits N] [--status active|trialing]
                 [--trial-days N]         puts an organisation on a plan without Stripe
ats connect-ashby --org ID                reads the organisation's Ashby API key from standard
                                          input and keeps it (sealed): Ashby's assessment.update
                                          calls are made with it
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from backend.db import migrate, session_scope
from backend.services.errors import DomainError


def _print(data: dict) -> None:
    print(json.dumps(data, indent=2, default=str))


def _audit(session, org_id: str, action: str, subject: str, subject_id: str, detail: str) -> None:
    """A row in the audit log for what this command did (the actor: ``cli``)."""
    from backend.services import audit

    audit.record_as(
        session,
        org_id=org_id,
        actor=audit.Actor.system("cli"),
        action=audit.Action(action),
        subject=audit.Subject(subject),
        subject_id=subject_id,
        detail=detail,
    )


def _cmd_audit(args: argparse.Namespace) -> None:
    from datetime import UTC, datetime

    from backend.services import audit
    from backend.services.organisations import get_organisation
    from backend.services.pagination import MAX_PAGE_SIZE

    since = datetime.fromisoformat(args.since) if args.since else None
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    with session_scope() as session:
        get_organisation(session, org_id=args.org)
        page, printed = 1, 0
        while printed < args.limit:
            shown = audit.page_of_events(
                session,
                org_id=args.org,
                action=args.action,
                since=since,
                page=page,
                size=min(MAX_PAGE_SIZE, args.limit - printed),
            )
            for event in shown.items:
                actor = event.actor_label or event.actor_id or event.actor_kind
                subject = f"{event.subject_kind}:{event.subject_id}".rstrip(":")
                print(
                    f"{event.occurred_at.isoformat(timespec='seconds')}\t{actor}\t"
                    f"{event.action}\t{subject}\t{event.detail}"
                )
            printed += len(shown.items)
            if page >= shown.pages:
                break
            page += 1


def _cmd_migrate(_args: argparse.Namespace) -> None:
    from backend.db import get_engine
    from backend.secret_key import create_secret_key
    from backend.settings import get_settings

    migrate()
    print("database is up to date")
    print(create_secret_key(get_settings(), get_engine()))


def _cmd_create_org(args: argparse.Namespace) -> None:
    from backend.services.api_keys import create_api_key
    from backend.services.organisations import create_organisation

    with session_scope() as session:
        org, admin = create_organisation(
            session,
            name=args.name,
            admin_email=args.admin_email,
            admin_password=args.admin_password,
            admin_name=args.admin_name or "",
        )
        key, raw = create_api_key(
            session, org_id=org.id, scope="all", name="created by create-org", created_by="cli"
        )
        _print(
            {
                "organisation_id": org.id,
                "organisation_name": org.name,
                "admin_id": admin.id,
                "admin_email": admin.email,
                "api_key_id": key.id,
                "api_key": raw,
                "scope": key.scope.value,
            }
        )


def _cmd_create_api_key(args: argparse.Namespace) -> None:
    from backend.services.api_keys import create_api_key
    from backend.services.organisations import get_organisation

    with session_scope() as session:
        get_organisation(session, org_id=args.org)
        key, raw = create_api_key(
            session, org_id=args.org, scope=args.scope, name=args.name or "", created_by="cli"
        )
        _audit(session, args.org, "changed", "api_key", key.id, "API key created")
        _print({"api_key_id": key.id, "api_key": raw, "scope": key.scope.value, "org": args.org})


def _cmd_revoke_api_key(args: argparse.Namespace) -> None:
    from backend.services.api_keys import revoke_api_key

    with session_scope() as session:
        key = revoke_api_key(session, org_id=args.org, key_id=args.key_id)
        _audit(session, args.org, "changed", "api_key", key.id, "API key revoked")
        _print({"api_key_id": key.id, "revoked_at": key.revoked_at})


def _cmd_add_member(args: argparse.Namespace) -> None:
    from backend.services.organisations import add_member

    with session_scope() as session:
        member = add_member(
            session, org_id=args.org, email=args.email, role=args.role, password=args.password
        )
        _audit(session, args.org, "changed", "member", member.id, f"member added as {args.role}")
        _print({"member_id": member.id, "email": member.email, "role": member.role.value})


def _cmd_demo(_args: argparse.Namespace) -> None:
    from backend.services.demo import DEMO_PASSWORD, load_demo

    with session_scope() as session:
        summary = load_demo(session)
    _print({**summary, "password": DEMO_PASSWORD})


def _cmd_erase_candidate(args: argparse.Namespace) -> None:
    from backend.services.erasure import erase_candidate

    with session_scope() as session:
        result = erase_candidate(session, org_id=args.org, email=args.email, requested_by="cli")
        _print(result.model_dump(mode="json"))


def _cmd_export_candidate(args: argparse.Namespace) -> None:
    from pathlib import Path

    from backend.services.person_export import write_person_zip

    target = Path(args.output or f"person-export-{args.org}.zip")
    partial = target.with_name(target.name + ".partial")
    try:
        with session_scope() as session, partial.open("wb") as out:
            summary = write_person_zip(session, org_id=args.org, email=args.email, out=out)
            _audit(session, args.org, "exported", "candidate", summary.subject_id, "person export")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    _print({"file": str(target), **summary.model_dump(mode="json")})


def _cmd_backup(args: argparse.Namespace) -> None:
    from pathlib import Path

    from backend.services import backups
    from backend.services.storage import get_storage
    from backend.settings import get_settings

    settings = get_settings()
    if settings.sqlalchemy_url.startswith("sqlite"):
        settings.ensure_data_dir()
    manifest = backups.backup(settings.sqlalchemy_url, get_storage(), Path(args.file))
    _print(
        {
            "file": args.file,
            "migration_revision": manifest.migration_revision,
            "files": len(manifest.files),
        }
    )


def _cmd_restore(args: argparse.Namespace) -> None:
    from pathlib import Path

    from backend.services import backups
    from backend.services.storage import get_storage
    from backend.settings import get_settings

    settings = get_settings()
    if settings.sqlalchemy_url.startswith("sqlite"):
        settings.ensure_data_dir()
    result = backups.restore(
        settings.sqlalchemy_url, get_storage(), Path(args.file), force=args.force
    )
    _print({"file": args.file, **result.model_dump(mode="json")})


def _cmd_billing_status(args: argparse.Namespace) -> None:
    from backend.services.billing import accounts

    with session_scope() as session:
        _print(accounts.summary(session, org_id=args.org).model_dump(mode="json"))


def _cmd_billing_grant_credits(args: argparse.Namespace) -> None:
    from backend.services.billing import accounts

    with session_scope() as session:
        remaining = accounts.grant_credits(
            session, org_id=args.org, credits_to_add=args.amount, reason=args.reason
        )
        _print({"org": args.org, "granted": args.amount, "credits_remaining": remaining})


def _cmd_billing_set_plan(args: argparse.Namespace) -> None:
    from backend.models.billing import SubscriptionStatus
    from backend.services.billing import accounts, plans

    plan = plans.custom_plan(args.plan, assessment_quota=args.quota, included_credits=args.credits)
    with session_scope() as session:
        result = accounts.set_plan(
            session,
            org_id=args.org,
            plan=plan,
            status=SubscriptionStatus(args.status),
            trial_days=args.trial_days,
        )
        _print(result.model_dump(mode="json"))


def _add_billing_parser(sub: argparse._SubParsersAction) -> None:
    billing = sub.add_parser("billing", help="plans, subscriptions and interview credits")
    commands = billing.add_subparsers(dest="billing_command", required=True)

    p = commands.add_parser("status", help="an organisation's plan, quota use and credits")
    p.add_argument("--org", required=True)
    p.set_defaults(func=_cmd_billing_status)

    p = commands.add_parser("grant-credits", help="add interview credits (a ledger entry)")
    p.add_argument("--org", required=True)
    p.add_argument("--amount", required=True, type=int)
    p.add_argument("--reason", required=True)
    p.set_defaults(func=_cmd_billing_grant_credits)

    p = commands.add_parser("set-plan", help="put an organisation on a plan without Stripe")
    p.add_argument("--org", required=True)
    p.add_argument("--plan", required=True, help="starter, team, scale, or a name of your own")
    p.add_argument("--quota", type=int, help="assessments per month (default: the plan's)")
    p.add_argument("--credits", type=int, help="interview credits per month (the plan's)")
    p.add_argument("--status", choices=["active", "trialing"], default="active")
    p.add_argument("--trial-days", type=int, help="with --status trialing (default 14)")
    p.set_defaults(func=_cmd_billing_set_plan)


def _cmd_ats_connect_ashby(args: argparse.Namespace) -> None:
    from backend.services.ats import ashby

    api_key = sys.stdin.readline().strip()
    with session_scope() as session:
        connection = ashby.connect(session, org_id=args.org, api_key=api_key)
        _print({"org": args.org, "ats": connection.ats, "connected": True})


def _add_ats_parser(sub: argparse._SubParsersAction) -> None:
    ats = sub.add_parser("ats", help="ATS assessment-partner integrations")
    commands = ats.add_subparsers(dest="ats_command", required=True)
    p = commands.add_parser(
        "connect-ashby",
        help="keep the organisation's Ashby API key (read from standard input, never an argument)",
    )
    p.add_argument("--org", required=True)
    p.set_defaults(func=_cmd_ats_connect_ashby)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="truelevel", description="truelevel administration")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=_cmd_migrate)

    p = sub.add_parser("create-org", help="create an organisation, its admin and an API key")
    p.add_argument("name")
    p.add_argument("--admin-email", required=True)
    p.add_argument("--admin-password", help="omit for an SSO-only admin")
    p.add_argument("--admin-name")
    p.set_defaults(func=_cmd_create_org)

    p = sub.add_parser("create-api-key", help="create an API key (shown once)")
    p.add_argument("--org", required=True)
    p.add_argument(
        "--scope",
        required=True,
        choices=["evaluations", "assessments", "pipeline", "interviews", "all"],
    )
    p.add_argument("--name")
    p.set_defaults(func=_cmd_create_api_key)

    p = sub.add_parser("revoke-api-key", help="revoke an API key")
    p.add_argument("--org", required=True)
    p.add_argument("--key-id", required=True)
    p.set_defaults(func=_cmd_revoke_api_key)

    p = sub.add_parser("add-member", help="add a member to an organisation")
    p.add_argument("--org", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--role", required=True, choices=["admin", "reviewer", "viewer"])
    p.add_argument("--password")
    p.set_defaults(func=_cmd_add_member)

    sub.add_parser("demo", help="load the demo organisation").set_defaults(func=_cmd_demo)

    p = sub.add_parser("erase-candidate", help="erase a candidate's data, found by email")
    p.add_argument("--org", required=True)
    p.add_argument("--email", required=True)
    p.set_defaults(func=_cmd_erase_candidate)

    p = sub.add_parser("export-candidate", help="export a candidate's data, found by email")
    p.add_argument("--org", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--output", help="the zip to write (default: person-export-<org>.zip)")
    p.set_defaults(func=_cmd_export_candidate)

    p = sub.add_parser("audit", help="print an organisation's audit log, newest first")
    p.add_argument("--org", required=True)
    p.add_argument("--since", help="only events from this date or time (ISO 8601, UTC)")
    p.add_argument("--action", choices=["viewed", "exported", "changed", "shared", "erased"])
    p.add_argument("--limit", type=int, default=1000, help="at most this many (default 1000)")
    p.set_defaults(func=_cmd_audit)

    p = sub.add_parser("backup", help="back up the database and every stored file")
    p.add_argument("file")
    p.set_defaults(func=_cmd_backup)

    p = sub.add_parser("restore", help="restore a backup")
    p.add_argument("file")
    p.add_argument("--force", action="store_true", help="replace a database that is not empty")
    p.set_defaults(func=_cmd_restore)
    _add_billing_parser(sub)
    _add_ats_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    from backend.private_files import keep_private

    keep_private()  # the database, backups and stored files it writes are 0600
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
