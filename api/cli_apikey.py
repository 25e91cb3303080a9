"""`datagraph apikey create|list|revoke`: the API keys the HTTP API accepts.

These commands touch only the keys file (Settings.api_keys_path(): DATAGRAPH_API_KEYS_FILE, else
apikeys.json in the --store directory), never the graph store, so they work while a server runs.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from api.auth import ApiKeyFileError, ApiKeyStore, Role
from api.settings import Settings

apikey_app = typer.Typer(
    help="Create, list and revoke the API keys the HTTP API accepts (kept hashed in the keys file).",
    no_args_is_help=True,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

_ROLES = ", ".join(r.value for r in Role)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    return typer.Exit(code)


def _settings(ctx: typer.Context) -> Settings:
    """The settings the global options name: `--store` (or DATAGRAPH_STORE) as every other command."""
    store = ctx.find_root().params.get("store")
    try:
        return Settings(**({"store": store} if store else {}))
    except ValueError as e:  # a bad DATAGRAPH_* variable
        raise _fail(str(e)) from None


def _keys(ctx: typer.Context) -> ApiKeyStore:
    return ApiKeyStore(_settings(ctx).api_keys_path())


@apikey_app.command("create")
def create(
    ctx: typer.Context,
    role: Annotated[str, typer.Option(help=f"What the key may do: one of {_ROLES}.")],
    name: Annotated[
        str, typer.Option(help="A label saying who or what uses the key, e.g. 'airflow' or 'alice'.")
    ] = "",
) -> None:
    """Create an API key and print it, once: only its hash is stored."""
    try:
        wanted = Role.parse(role)
    except ValueError:
        raise _fail(f"--role must be one of {_ROLES}, not {role!r}") from None
    keys = _keys(ctx)
    try:
        key, info = keys.create(wanted, name)
    except ApiKeyFileError as e:
        raise _fail(str(e)) from None
    label = f" '{info.name}'" if info.name else ""
    err.print(f"created API key {info.key_id}{label} with role {info.role} in {keys.path}:", highlight=False)
    print(key, flush=True)
    err.print(
        "This key cannot be shown again: store it now (a secret manager, not a repository).\n"
        "Send it as `Authorization: Bearer <key>` (or `X-API-Key: <key>`); "
        f"revoke it with `datagraph apikey revoke {info.key_id}`.",
        highlight=False,
        markup=False,
    )


@apikey_app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the keys as JSON.")] = False,
) -> None:
    """List the API keys: id, name, role and when each was created (never the key or its hash)."""
    keys = _keys(ctx)
    try:
        infos = keys.list()
    except ApiKeyFileError as e:
        raise _fail(str(e)) from None
    if as_json:
        print(
            json.dumps(
                [
                    {"id": i.key_id, "name": i.name, "role": i.role.value, "created": i.created.isoformat()}
                    for i in infos
                ],
                indent=1,
            )
        )
        return
    if not infos:
        err.print(
            f"no API keys in {keys.path}; create one with `datagraph apikey create --role viewer`",
            highlight=False,
            markup=False,
        )
        return
    table = Table("id", "name", "role", "created")
    for info in infos:
        table.add_row(info.key_id, info.name, info.role.value, info.created.isoformat())
    out.print(table)
    err.print(f"{len(infos)} key{'' if len(infos) == 1 else 's'} in {keys.path}", highlight=False)


@apikey_app.command("revoke")
def revoke(
    ctx: typer.Context,
    key_id: Annotated[
        str, typer.Argument(help="The key's id (8 hex digits), as `datagraph apikey list` shows.")
    ],
) -> None:
    """Revoke an API key: requests with it are refused from now on, also by a running server."""
    keys = _keys(ctx)
    try:
        revoked = keys.revoke(key_id)
    except ApiKeyFileError as e:
        raise _fail(str(e)) from None
    if not revoked:
        raise _fail(
            f"no API key with id {key_id!r} in {keys.path}; `datagraph apikey list` shows the ids",
        )
    out.print(f"revoked API key {key_id.strip()}", highlight=False)
