"""API keys, bearer tokens and roles: real key files in tmp_path, real HMACs, the real CLI app."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import stat
import time
from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from api.auth import (
    ApiKeyFileError,
    ApiKeyStore,
    AuthError,
    Forbidden,
    Principal,
    Role,
    authenticate,
    encode_jwt,
    issue_token,
    require_role,
    verify_jwt,
)
from api.settings import Settings

SECRET = "test-secret-of-reasonable-length"


@pytest.fixture
def keys(tmp_path: Path) -> ApiKeyStore:
    return ApiKeyStore(tmp_path / "nested" / "dir" / "apikeys.json")


@pytest.fixture(autouse=True)
def _no_datagraph_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("DATAGRAPH_"):
            monkeypatch.delenv(name)


def settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- roles ----------------------------------------------------------------------------------------------


def test_roles_are_ordered_by_privilege_not_alphabetically():
    assert Role.VIEWER < Role.STEWARD < Role.ADMIN
    assert Role.ADMIN > Role.VIEWER and Role.ADMIN >= Role.ADMIN and not Role.VIEWER >= Role.STEWARD
    assert sorted([Role.ADMIN, Role.VIEWER, Role.STEWARD]) == [Role.VIEWER, Role.STEWARD, Role.ADMIN]
    assert max(Role) is Role.ADMIN
    assert Role("viewer") is Role.VIEWER and Role.parse(" Admin ") is Role.ADMIN
    assert Role.STEWARD == "steward"  # still a string


def test_principal_allows_its_role_and_below():
    steward = Principal("alice", Role.STEWARD, "api-key")
    assert steward.allows(Role.VIEWER) and steward.allows(Role.STEWARD)
    assert not steward.allows(Role.ADMIN)
    assert Principal("root", Role.ADMIN, "bearer-token").allows(Role.STEWARD)
    assert not Principal("anonymous", Role.VIEWER, "anonymous").allows(Role.STEWARD)
    with pytest.raises(AttributeError):
        steward.role = Role.ADMIN  # frozen


def test_require_role():
    viewer = Principal("bob", Role.VIEWER, "api-key")
    assert require_role(viewer, Role.VIEWER) is viewer
    with pytest.raises(Forbidden, match="needs steward") as raised:
        require_role(viewer, Role.STEWARD)
    assert raised.value.status_code == 403
    with pytest.raises(AuthError) as raised:
        require_role(None, Role.VIEWER)
    assert raised.value.status_code == 401


def test_unknown_role_names_the_valid_ones():
    with pytest.raises(ValueError, match="viewer, steward, admin"):
        Role.parse("root")


# --- API keys -------------------------------------------------------------------------------------------


def test_create_verify_revoke_round_trip(keys: ApiKeyStore):
    key, info = keys.create(Role.STEWARD, "airflow")
    assert re.fullmatch(r"dg_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", key)
    assert key.startswith(f"dg_{info.key_id}_")
    assert (info.name, info.role) == ("airflow", Role.STEWARD)
    assert info.created.tzinfo is not None

    assert keys.verify(key) == info
    assert [i.key_id for i in keys.list()] == [info.key_id]

    other, other_info = keys.create("viewer", "")
    assert other != key and other_info.key_id != info.key_id
    assert keys.verify(other).role is Role.VIEWER

    assert keys.revoke(info.key_id) is True
    assert keys.verify(key) is None
    assert keys.verify(other) == other_info  # the other key is untouched
    assert keys.revoke(info.key_id) is False
    assert [i.key_id for i in keys.list()] == [other_info.key_id]


def test_revoke_accepts_the_redacted_form_messages_show(keys: ApiKeyStore):
    key, info = keys.create(Role.VIEWER, "x")
    assert keys.revoke(f"dg_{info.key_id}_…") is True
    assert keys.verify(key) is None


def test_the_file_holds_only_the_hash(keys: ApiKeyStore):
    key, info = keys.create(Role.ADMIN, "ops")
    text = keys.path.read_text()
    secret = key.split("_", 2)[2]
    assert key not in text and secret not in text
    stored = json.loads(text)["keys"]
    assert stored == [
        {
            "key_id": info.key_id,
            "name": "ops",
            "role": "admin",
            "sha256": hashlib.sha256(key.encode()).hexdigest(),
            "created": info.created.isoformat(),
        }
    ]
    assert stat.S_IMODE(keys.path.stat().st_mode) == 0o600
    assert not [p for p in keys.path.parent.iterdir() if p.name.endswith(".tmp")]  # no temp files left


def test_a_key_created_by_another_instance_is_seen_without_restart(keys: ApiKeyStore):
    server = ApiKeyStore(keys.path)  # e.g. the running server, which has read the (missing) file already
    assert server.list() == []
    cli = ApiKeyStore(keys.path)  # the CLI, in another process
    key, info = cli.create(Role.VIEWER, "from the cli")
    assert server.verify(key) == info

    second, _ = cli.create(Role.ADMIN, "second")
    assert server.verify(second).role is Role.ADMIN
    assert cli.revoke(info.key_id)
    assert server.verify(key) is None
    assert len(server.list()) == 1


def test_writes_by_two_instances_do_not_lose_keys(keys: ApiKeyStore):
    a, b = ApiKeyStore(keys.path), ApiKeyStore(keys.path)
    made = [a.create(Role.VIEWER, "a")[0], b.create(Role.VIEWER, "b")[0], a.create(Role.VIEWER, "c")[0]]
    fresh = ApiKeyStore(keys.path)
    assert all(fresh.verify(k) is not None for k in made)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "dg_",
        "dg_1234567_abcdefghijklmnopqrstuvwxyz",  # 7-digit id
        "dg_1234567g_abcdefghijklmnopqrstuvwxyz",  # not hex
        "dg_12345678",
        "dg_12345678_",
        "dg_12345678_short",
        "xx_12345678_abcdefghijklmnopqrstuvwxyz",
        "dg_12345678_abc def ghijklmnopqrstuvwxyz",
        "Bearer dg_12345678_abcdefghijklmnopqrstuvwxyz",
    ],
)
def test_malformed_keys_are_refused(keys: ApiKeyStore, bad: str):
    keys.create(Role.ADMIN, "real")
    assert keys.verify(bad) is None


def test_a_forged_key_with_a_real_id_is_refused(keys: ApiKeyStore):
    key, info = keys.create(Role.ADMIN, "real")
    forged = f"dg_{info.key_id}_{'A' * 43}"
    assert keys.verify(forged) is None
    assert keys.verify(key[:-1] + ("B" if key[-1] != "B" else "C")) is None


def test_a_damaged_file_is_reported(tmp_path: Path):
    path = tmp_path / "apikeys.json"
    path.write_text("{not json")
    with pytest.raises(ApiKeyFileError, match="damaged"):
        ApiKeyStore(path).list()


# --- bearer tokens --------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hand_made(header: dict, claims: dict, secret: str = SECRET) -> str:
    """A JWT built here, independently of api.auth, so both sides are checked."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def test_a_good_token_authenticates(keys: ApiKeyStore):
    token = _hand_made(
        {"alg": "HS256", "typ": "JWT"}, {"sub": "alice", "role": "steward", "exp": time.time() + 60}
    )
    principal = authenticate(bearer(token), keys, settings(jwt_secret=SecretStr(SECRET)))
    assert principal == Principal("alice", Role.STEWARD, "bearer-token")
    issued = issue_token("bob", Role.ADMIN, SECRET, ttl_s=60)
    assert verify_jwt(issued, SECRET) == Principal("bob", Role.ADMIN, "bearer-token")


def test_an_expired_token_says_when_it_expired(keys: ApiKeyStore):
    token = issue_token("alice", Role.VIEWER, SECRET, ttl_s=60, now=time.time() - 3600)
    with pytest.raises(AuthError, match=r"expired at \d{4}-\d\d-\d\dT"):
        authenticate(bearer(token), keys, settings(jwt_secret=SecretStr(SECRET)))


def test_a_token_signed_with_another_secret_is_refused(keys: ApiKeyStore):
    token = issue_token("alice", Role.ADMIN, "some-other-secret", ttl_s=60)
    with pytest.raises(AuthError, match="signature is invalid"):
        authenticate(bearer(token), keys, settings(jwt_secret=SecretStr(SECRET)))


def test_a_tampered_payload_is_refused():
    token = issue_token("alice", Role.VIEWER, SECRET, ttl_s=60)
    header, _, signature = token.split(".")
    claims = _b64(json.dumps({"sub": "alice", "role": "admin", "exp": time.time() + 60}).encode())
    with pytest.raises(AuthError, match="signature is invalid"):
        verify_jwt(f"{header}.{claims}.{signature}", SECRET)


@pytest.mark.parametrize("alg", ["none", "None", "HS512", "RS256", None])
def test_other_algorithms_are_refused(keys: ApiKeyStore, alg):
    claims = {"sub": "mallory", "role": "admin", "exp": time.time() + 60}
    header = {"typ": "JWT"} if alg is None else {"alg": alg, "typ": "JWT"}
    unsigned = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}."
    with pytest.raises(AuthError, match=f"unsupported token algorithm {alg!r}"):
        authenticate(bearer(unsigned), keys, settings(jwt_secret=SecretStr(SECRET)))
    # even when signed with the right secret under another name
    signed = _hand_made(header, claims)
    with pytest.raises(AuthError, match="unsupported token algorithm"):
        verify_jwt(signed, SECRET)


def test_alg_none_via_encode_helper_is_refused():
    token = encode_jwt({"sub": "x", "role": "admin", "exp": time.time() + 60}, SECRET, alg="none")
    with pytest.raises(AuthError, match="unsupported token algorithm 'none'"):
        verify_jwt(token, SECRET)


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"sub": "a", "role": "root", "exp": 2**40}, "role 'root' is not one of viewer, steward, admin"),
        ({"sub": "a", "exp": 2**40}, "no 'role' claim"),
        ({"role": "viewer", "exp": 2**40}, "no 'sub'"),
        ({"sub": "", "role": "viewer", "exp": 2**40}, "no 'sub'"),
        ({"sub": "a", "role": "viewer"}, "no 'exp'"),
        ({"sub": "a", "role": "viewer", "exp": "2099-01-01"}, "no 'exp'"),
        ({"sub": "a", "role": "viewer", "exp": True}, "no 'exp'"),
    ],
)
def test_bad_claims_are_refused(claims: dict, message: str):
    with pytest.raises(AuthError, match=re.escape(message)):
        verify_jwt(_hand_made({"alg": "HS256"}, claims), SECRET)


def test_tokens_are_refused_when_no_secret_is_set(keys: ApiKeyStore):
    token = issue_token("alice", Role.VIEWER, SECRET, ttl_s=60)
    with pytest.raises(AuthError, match="DATAGRAPH_JWT_SECRET"):
        authenticate(bearer(token), keys, settings())


@pytest.mark.parametrize("junk", ["abc", "a.b", "!!.??.##", "a.b.c.d"])
def test_junk_bearer_tokens_are_refused(keys: ApiKeyStore, junk: str):
    with pytest.raises(AuthError):
        authenticate(bearer(junk), keys, settings(jwt_secret=SecretStr(SECRET)))


# --- authenticate ---------------------------------------------------------------------------------------


def test_api_keys_authenticate_by_either_header(keys: ApiKeyStore):
    key, info = keys.create(Role.STEWARD, "etl")
    expected = Principal(f"apikey:{info.key_id}", Role.STEWARD, "api-key")
    assert authenticate(bearer(key), keys, settings()) == expected
    assert authenticate({"x-api-key": key}, keys, settings()) == expected
    assert authenticate({"X-API-Key": key}, keys, settings()) == expected
    assert authenticate({"authorization": f"bearer {key}"}, keys, settings()) == expected


def test_a_revoked_key_is_refused_with_an_actionable_message(keys: ApiKeyStore):
    key, info = keys.create(Role.VIEWER, "gone")
    keys.revoke(info.key_id)
    with pytest.raises(AuthError) as raised:
        authenticate(bearer(key), keys, settings(anonymous_role=Role.ADMIN))
    message = str(raised.value)
    assert f"dg_{info.key_id}_…" in message
    assert "unknown or revoked" in message and "datagraph apikey create --role viewer" in message
    assert key.split("_", 2)[2] not in message  # never the secret
    assert raised.value.status_code == 401


def test_malformed_key_messages_never_echo_the_secret(keys: ApiKeyStore):
    secret_part = "Sup3rSecretButShort"
    for headers in (bearer(f"dg_zz_{secret_part}"), {"X-API-Key": f"dg_12345678_{secret_part} x"}):
        with pytest.raises(AuthError, match="malformed") as raised:
            authenticate(headers, keys, settings())
        assert secret_part not in str(raised.value)


def test_other_schemes_are_refused(keys: ApiKeyStore):
    with pytest.raises(AuthError, match="unsupported Authorization scheme 'Basic'"):
        authenticate({"Authorization": "Basic dXNlcjpwYXNz"}, keys, settings())
    with pytest.raises(AuthError, match="no token"):
        authenticate({"Authorization": "Bearer "}, keys, settings())


def test_anonymous_access_only_when_a_role_is_set(keys: ApiKeyStore):
    assert authenticate({}, keys, settings()) is None
    assert authenticate({"Accept": "application/json"}, keys, settings()) is None
    anonymous = authenticate({}, keys, settings(anonymous_role="viewer"))
    assert anonymous == Principal("anonymous", Role.VIEWER, "anonymous")
    assert not anonymous.allows(Role.STEWARD)


def test_anonymous_role_from_the_environment(keys: ApiKeyStore, monkeypatch):
    monkeypatch.setenv("DATAGRAPH_ANONYMOUS_ROLE", "steward")
    assert authenticate({}, keys, settings()).role is Role.STEWARD
    monkeypatch.setenv("DATAGRAPH_ANONYMOUS_ROLE", "root")
    with pytest.raises(ValueError, match="viewer"):
        settings()


# --- settings -------------------------------------------------------------------------------------------


def test_api_keys_path(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    explicit = tmp_path / "keys.json"
    assert settings(api_keys_file=explicit, store=str(tmp_path / "s")).api_keys_path() == explicit
    assert settings(store=str(tmp_path / "s")).api_keys_path() == tmp_path / "s" / "apikeys.json"
    assert settings(store="bolt://localhost:7687").api_keys_path() == Path(".datagraph-apikeys.json")
    assert settings(store="neo4j://db:7687").api_keys_path() == Path(".datagraph-apikeys.json")
    defaults = settings()
    assert defaults.anonymous_role is None and defaults.jwt_secret is None and defaults.introspection
    assert (defaults.max_query_depth, defaults.max_query_complexity, defaults.sparql_timeout_s) == (
        12,
        20_000,
        10.0,
    )


# --- the CLI --------------------------------------------------------------------------------------------


def _cli(store: Path, *args: str):
    from api.cli import app

    return CliRunner().invoke(app, ["--store", str(store), "apikey", *args])


def test_cli_create_list_revoke(tmp_path: Path):
    store = tmp_path / "store"
    created = _cli(store, "create", "--role", "steward", "--name", "ci bot")
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    assert re.fullmatch(r"dg_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", key)
    assert "cannot be shown again" in created.stderr and "Authorization: Bearer <key>" in created.stderr
    key_id = key[3:11]

    # the key is in the store's keys file, and it works
    path = store / "apikeys.json"
    info = ApiKeyStore(path).verify(key)
    assert info is not None and info.role is Role.STEWARD and info.name == "ci bot"
    assert key not in path.read_text()

    listed = _cli(store, "list")
    assert listed.exit_code == 0, listed.output
    assert key_id in listed.stdout and "ci bot" in listed.stdout and "steward" in listed.stdout
    assert key not in listed.output and hashlib.sha256(key.encode()).hexdigest() not in listed.output

    as_json = _cli(store, "list", "--json")
    assert [row["id"] for row in json.loads(as_json.stdout)] == [key_id]

    revoked = _cli(store, "revoke", key_id)
    assert revoked.exit_code == 0, revoked.output
    assert ApiKeyStore(path).verify(key) is None

    again = _cli(store, "revoke", key_id)
    assert again.exit_code == 1
    assert f"no API key with id '{key_id}'" in again.stderr


def test_cli_bad_role_lists_the_valid_roles(tmp_path: Path):
    done = _cli(tmp_path / "store", "create", "--role", "root")
    assert done.exit_code == 1
    assert "--role must be one of viewer, steward, admin" in done.stderr
    assert not (tmp_path / "store" / "apikeys.json").exists()


def test_cli_uses_the_keys_file_setting_and_not_the_store(tmp_path: Path, monkeypatch):
    keys_file = tmp_path / "elsewhere" / "keys.json"
    monkeypatch.setenv("DATAGRAPH_API_KEYS_FILE", str(keys_file))
    from api.cli import app

    # a Neo4j store that is not running: the apikey commands never open it
    done = CliRunner().invoke(app, ["--store", "bolt://127.0.0.1:1", "apikey", "create", "--role", "admin"])
    assert done.exit_code == 0, done.output
    assert ApiKeyStore(keys_file).verify(done.stdout.strip()).role is Role.ADMIN


def test_cli_help():
    from api.cli import app

    done = CliRunner().invoke(app, ["apikey", "--help"])
    assert done.exit_code == 0
    for command in ("create", "list", "revoke"):
        assert command in done.stdout
