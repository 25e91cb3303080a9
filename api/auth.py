"""Who is calling: API keys (stored hashed) and HS256 bearer tokens, mapped to a role.

Three roles, ordered viewer < steward < admin. A request carries either
`Authorization: Bearer <token>` (an API key `dg_<key_id>_<secret>` or a JWT) or
`X-API-Key: <key>`; `authenticate` turns those headers into a `Principal`, or
raises `AuthError` with a message the caller can act on. Without credentials the
caller is anonymous, with `settings.anonymous_role` when that is set, else `None`.

API keys live in a JSON file (`ApiKeyStore`) holding only each key's id, name,
role, creation time and the SHA-256 of the whole key; the plaintext is shown
once, by `create`. The store re-reads the file when it changes on disk, so a
running server sees keys the CLI creates or revokes in another process.

Standard library only (no FastAPI here): `api.settings` imports `Role` from this module.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from api.settings import Settings

try:  # POSIX: serialise read-modify-write of the keys file across processes
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

KEY_PREFIX = "dg_"
_KEY_RE = re.compile(r"^dg_([0-9a-f]{8})_([A-Za-z0-9_-]{16,})$")
_FILE_VERSION = 1
_CREATE_HINT = "create one with `datagraph apikey create --role viewer`"


class Role(StrEnum):
    """What a caller may do; each role includes the ones before it: viewer < steward < admin."""

    VIEWER = "viewer"
    STEWARD = "steward"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _ORDER.index(self)

    @classmethod
    def _missing_(cls, value: object) -> Role | None:  # "Viewer", " admin ": case and spaces do not matter
        if isinstance(value, str):
            wanted = value.strip().lower()
            return next((role for role in cls if role.value == wanted), None)
        return None

    @classmethod
    def parse(cls, value: object) -> Role:
        """`value` as a Role (case-insensitive), or ValueError naming the valid roles."""
        if isinstance(value, Role):
            return value
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return cls(value.strip().lower())
        raise ValueError(f"unknown role {value!r}; the roles are {', '.join(r.value for r in cls)}")

    # A StrEnum compares as text ("admin" < "viewer"); roles compare by privilege instead.
    def __lt__(self, other: object) -> bool:
        return self.rank < other.rank if isinstance(other, Role) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self.rank <= other.rank if isinstance(other, Role) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return self.rank > other.rank if isinstance(other, Role) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self.rank >= other.rank if isinstance(other, Role) else NotImplemented


_ORDER: tuple[Role, ...] = (Role.VIEWER, Role.STEWARD, Role.ADMIN)


@dataclass(frozen=True)
class Principal:
    """An authenticated (or anonymous) caller. `via`: "api-key", "bearer-token" or "anonymous"."""

    subject: str
    role: Role
    via: str

    def allows(self, required: Role) -> bool:
        """Whether this caller's role is at least `required`."""
        return self.role >= Role.parse(required)


class AuthError(Exception):
    """Credentials were sent but cannot be accepted (HTTP 401). `message` says what to do."""

    status_code = 401

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class Forbidden(AuthError):
    """The caller is known but its role is too low, or there is no caller and no anonymous role (HTTP 403)."""

    status_code = 403


class ApiKeyFileError(ValueError):
    """The API key file cannot be read or written, or does not hold what it should."""


def require_role(principal: Principal | None, required: Role) -> Principal:
    """`principal` when it may act as `required`; else Forbidden (AuthError, status 401, when there is none)."""
    required = Role.parse(required)
    if principal is None:
        raise AuthError(
            f"this needs the {required} role: send `Authorization: Bearer <API key or token>` "
            f"(an API key: `datagraph apikey create --role {required}`)"
        )
    if not principal.allows(required):
        raise Forbidden(
            f"{principal.subject} has the {principal.role} role; this needs {required} "
            f"(an API key with it: `datagraph apikey create --role {required}`)"
        )
    return principal


# --- API keys -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiKeyInfo:
    """What is known about a key without its secret: never the plaintext, never the hash."""

    key_id: str
    name: str
    role: Role
    created: datetime


@dataclass(frozen=True)
class _Record:
    info: ApiKeyInfo
    sha256: str


def parse_api_key(key: str) -> str | None:
    """The key id of a well-formed key `dg_<8 hex>_<secret>`, else None."""
    match = _KEY_RE.fullmatch(key.strip()) if isinstance(key, str) else None
    return match.group(1) if match else None


def redact_key(key: str) -> str:
    """A key as it may appear in messages and logs: its id, never its secret."""
    key_id = parse_api_key(key)
    return f"{KEY_PREFIX}{key_id}_…" if key_id else f"{key[:3]}…" if key.startswith(KEY_PREFIX) else "…"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiKeyStore:
    """API keys kept hashed in a JSON file (mode 0600, replaced atomically on each change).

    Reads are served from memory; the file is re-read when its modification time, inode or
    size changes, so keys created or revoked by another process (the CLI) take effect
    without a restart.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._records: dict[str, _Record] = {}
        self._signature: tuple[int, int, int, int] | None = None
        self._loaded = False

    # reading ---------------------------------------------------------------------------------------------

    def list(self) -> list[ApiKeyInfo]:
        """All keys, oldest first."""
        records = self._current()
        return sorted((r.info for r in records.values()), key=lambda i: (i.created, i.key_id))

    def verify(self, key: str) -> ApiKeyInfo | None:
        """The key's info when `key` is a current key; None when it is malformed, unknown or revoked."""
        if not isinstance(key, str):
            return None
        key = key.strip()
        key_id = parse_api_key(key)
        if key_id is None:
            return None
        record = self._current().get(key_id)
        # Compare even when the id is unknown, so both paths cost about the same.
        expected = record.sha256 if record is not None else "0" * 64
        if hmac.compare_digest(_hash(key), expected) and record is not None:
            return record.info
        return None

    def _signature_now(self) -> tuple[int, int, int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        except OSError as e:
            raise ApiKeyFileError(f"cannot read the API key file {self.path}: {e.strerror or e}") from None
        return (st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_size)

    def _current(self) -> dict[str, _Record]:
        with self._lock:
            signature = self._signature_now()
            if not self._loaded or signature != self._signature:
                self._records = self._read() if signature is not None else {}
                self._signature = signature
                self._loaded = True
            return self._records

    def _read(self) -> dict[str, _Record]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as e:
            raise ApiKeyFileError(f"cannot read the API key file {self.path}: {e.strerror or e}") from None
        try:
            data = json.loads(text) if text.strip() else {"keys": []}
            rows = data["keys"]
            records = {}
            for row in rows:
                info = ApiKeyInfo(
                    key_id=str(row["key_id"]),
                    name=str(row.get("name", "")),
                    role=Role.parse(row["role"]),
                    created=_aware(datetime.fromisoformat(row["created"])),
                )
                sha = str(row["sha256"])
                if not re.fullmatch(r"[0-9a-f]{64}", sha):
                    raise ValueError(f"key {info.key_id}: sha256 is not 64 hex digits")
                records[info.key_id] = _Record(info, sha)
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise ApiKeyFileError(
                f"the API key file {self.path} is damaged ({e}); restore it from a backup, "
                "or delete it and create new keys with `datagraph apikey create`"
            ) from None
        return records

    # writing ---------------------------------------------------------------------------------------------

    def create(self, role: Role | str, name: str = "") -> tuple[str, ApiKeyInfo]:
        """A new key with `role`: (the plaintext key, shown only now; its info). Only its hash is stored."""
        role = Role.parse(role)
        name = " ".join(str(name or "").split())
        with self._changing() as records:
            key_id = secrets.token_hex(4)
            while key_id in records:
                key_id = secrets.token_hex(4)
            key = f"{KEY_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
            info = ApiKeyInfo(key_id, name, role, datetime.now(UTC).replace(microsecond=0))
            records[key_id] = _Record(info, _hash(key))
        return key, info

    def revoke(self, key_id: str) -> bool:
        """Delete key `key_id` (a bare id, or `dg_<id>…` as messages show it); False when there is none."""
        wanted = key_id.strip().lower()
        if wanted.startswith(KEY_PREFIX):
            wanted = wanted[len(KEY_PREFIX) : len(KEY_PREFIX) + 8]
        with self._changing() as records:
            return records.pop(wanted, None) is not None

    @contextlib.contextmanager
    def _changing(self) -> Iterator[dict[str, _Record]]:
        """Read the file fresh under a lock, let the caller change the records, then write them back."""
        with self._lock, self._file_lock():
            self._loaded = False
            records = dict(self._current())
            before = dict(records)
            yield records
            if records != before:
                self._write(records)
                self._records, self._signature, self._loaded = records, self._signature_now(), True

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        self._mkdir()
        if fcntl is None:  # pragma: no cover
            yield
            return
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as e:
            raise ApiKeyFileError(f"cannot lock the API key file {self.path}: {e.strerror or e}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _mkdir(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ApiKeyFileError(
                f"cannot create the folder of the API key file {self.path}: {e.strerror or e}"
            ) from None

    def _write(self, records: dict[str, _Record]) -> None:
        rows = [
            {
                "key_id": r.info.key_id,
                "name": r.info.name,
                "role": r.info.role.value,
                "sha256": r.sha256,
                "created": r.info.created.isoformat(),
            }
            for r in sorted(records.values(), key=lambda r: (r.info.created, r.info.key_id))
        ]
        text = json.dumps({"version": _FILE_VERSION, "keys": rows}, indent=1) + "\n"
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                os.fchmod(f.fileno(), 0o600)
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
            tmp = None
        except OSError as e:
            raise ApiKeyFileError(f"cannot write the API key file {self.path}: {e.strerror or e}") from None
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


# --- bearer tokens (JWT, HS256) -------------------------------------------------------------------------


def _b64url_decode(part: str) -> bytes:
    return base64.b64decode(part + "=" * (-len(part) % 4), altchars=b"-_", validate=True)


def _b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _utc(timestamp: float) -> str:
    try:
        return datetime.fromtimestamp(timestamp, UTC).isoformat().replace("+00:00", "Z")
    except (OverflowError, OSError, ValueError):
        return str(timestamp)


def encode_jwt(claims: Mapping[str, Any], secret: str | bytes, *, alg: str = "HS256") -> str:
    """A signed JWT carrying `claims` (HS256). `alg` other than HS256 only makes unsigned test tokens."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    header = _b64url_encode(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64url_encode(json.dumps(dict(claims), separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode("ascii")
    signature = hmac.new(key, signing_input, hashlib.sha256).digest() if alg == "HS256" else b""
    return f"{header}.{payload}.{_b64url_encode(signature)}"


def issue_token(
    subject: str, role: Role | str, secret: str | bytes, *, ttl_s: float = 3600, now: float | None = None
) -> str:
    """A bearer token for `subject` with `role`, valid for `ttl_s` seconds."""
    issued = time.time() if now is None else now
    return encode_jwt(
        {"sub": subject, "role": Role.parse(role).value, "iat": int(issued), "exp": int(issued + ttl_s)},
        secret,
    )


def verify_jwt(token: str, secret: str | bytes, *, now: float | None = None) -> Principal:
    """The principal a valid HS256 token names, or AuthError saying what is wrong with it."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    parts = token.split(".")
    if len(parts) != 3:
        raise AuthError("the bearer token is not a JWT (expected header.payload.signature)")
    try:
        header = json.loads(_b64url_decode(parts[0]))
    except (ValueError, binascii.Error):
        raise AuthError("the bearer token is malformed: its header is not base64url-encoded JSON") from None
    if not isinstance(header, dict):
        raise AuthError("the bearer token is malformed: its header is not a JSON object")
    alg = header.get("alg")
    if alg != "HS256":
        raise AuthError(f"unsupported token algorithm {alg!r}; only HS256 is accepted")
    try:
        signature = _b64url_decode(parts[2])
    except (ValueError, binascii.Error):
        raise AuthError("the bearer token is malformed: its signature is not base64url") from None
    expected = hmac.new(key, f"{parts[0]}.{parts[1]}".encode("ascii", "replace"), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, signature):
        raise AuthError(
            "the bearer token's signature is invalid (signed with another secret, or altered); ask for a new token"
        )
    try:
        claims = json.loads(_b64url_decode(parts[1]))
    except (ValueError, binascii.Error):
        raise AuthError("the bearer token is malformed: its payload is not base64url-encoded JSON") from None
    if not isinstance(claims, dict):
        raise AuthError("the bearer token is malformed: its payload is not a JSON object")
    current = time.time() if now is None else now
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        raise AuthError("the bearer token has no 'exp' (expiry) claim; tokens must expire")
    if exp <= current:
        raise AuthError(f"the bearer token expired at {_utc(exp)}; ask for a new one")
    nbf = claims.get("nbf")
    if isinstance(nbf, int | float) and not isinstance(nbf, bool) and nbf > current:
        raise AuthError(f"the bearer token is not valid before {_utc(nbf)}")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.strip():
        raise AuthError("the bearer token has no 'sub' (subject) claim")
    if "role" not in claims:
        raise AuthError(
            f"the bearer token has no 'role' claim; it must be one of {', '.join(r.value for r in Role)}"
        )
    try:
        role = Role.parse(claims["role"])
    except ValueError:
        raise AuthError(
            f"the bearer token's role {claims['role']!r} is not one of {', '.join(r.value for r in Role)}"
        ) from None
    return Principal(subject=sub, role=role, via="bearer-token")


# --- requests -------------------------------------------------------------------------------------------


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        wanted = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == wanted), None)
    return value


def _from_key(key: str, keys: ApiKeyStore) -> Principal:
    if parse_api_key(key) is None:
        raise AuthError(
            f"the API key {redact_key(key)} is malformed (expected dg_<8 hex digits>_<secret>); "
            f"copy it whole, or {_CREATE_HINT}"
        )
    info = keys.verify(key)
    if info is None:
        raise AuthError(f"the API key {redact_key(key)} is unknown or revoked; {_CREATE_HINT}")
    return Principal(subject=f"apikey:{info.key_id}", role=info.role, via="api-key")


def authenticate(headers: Mapping[str, str], keys: ApiKeyStore, settings: Settings) -> Principal | None:
    """The caller the request headers name.

    `Authorization: Bearer <token>` (an API key `dg_…` or a JWT) takes precedence over
    `X-API-Key: <key>`. No credentials: an anonymous principal with `settings.anonymous_role`,
    or None when anonymous access is off. Credentials that cannot be accepted: AuthError.
    """
    authorization = _header(headers, "authorization")
    if authorization is not None and authorization.strip():
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer":
            raise AuthError(
                f"unsupported Authorization scheme {scheme!r}; send `Authorization: Bearer <API key or token>`"
            )
        if not token:
            raise AuthError("the Authorization header has no token after 'Bearer'")
        if token.startswith(KEY_PREFIX):
            return _from_key(token, keys)
        secret = settings.jwt_secret.get_secret_value() if settings.jwt_secret is not None else ""
        if token.count(".") != 2:
            raise AuthError(
                "the bearer token is neither an API key (dg_…) nor a JWT; "
                f"send `Authorization: Bearer <API key>` ({_CREATE_HINT})"
            )
        if not secret:
            raise AuthError(
                "bearer tokens (JWT) are not accepted: this server has no DATAGRAPH_JWT_SECRET; "
                f"use an API key instead ({_CREATE_HINT})"
            )
        return verify_jwt(token, secret)
    api_key = _header(headers, "x-api-key")
    if api_key is not None and api_key.strip():
        api_key = api_key.strip()
        if not api_key.startswith(KEY_PREFIX):
            raise AuthError(
                "X-API-Key must hold an API key (dg_…); send a JWT as `Authorization: Bearer <token>`"
            )
        return _from_key(api_key, keys)
    if settings.anonymous_role is not None:
        return Principal(subject="anonymous", role=Role.parse(settings.anonymous_role), via="anonymous")
    return None
