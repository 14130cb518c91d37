"""Reviewer accounts and web-console sessions, kept in the review store's database.

Passwords are stored as scrypt hashes; sessions as the SHA-256 of a random token (the token
itself lives only in the reviewer's cookie), each with its own CSRF token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from copyguard.review.errors import AuthError
from copyguard.review.models import reviewers, sessions
from copyguard.review.passwords import COST, MIN_PASSWORD_CHARS, hash_password, verify_password
from copyguard.review.store import ReviewStore

SESSION_TTL = timedelta(hours=8)
NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-")


@cache
def _dummy_hash(cost: int) -> str:
    """Checked when the name is unknown, so a wrong name costs as long as a wrong password."""
    return hash_password(secrets.token_urlsafe(16), cost=cost)


@dataclass(frozen=True, slots=True)
class WebSession:
    reviewer: str
    csrf_token: str
    expires_at: datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """Reviewer accounts of one store."""

    def __init__(self, store: ReviewStore, *, session_ttl: timedelta = SESSION_TTL,
                 password_cost: int = COST) -> None:
        self.store, self.session_ttl, self.password_cost = store, session_ttl, password_cost

    def add_reviewer(self, name: str, password: str, *, replace: bool = False) -> None:
        """Create a reviewer (or set a new password with ``replace``)."""
        if not name or len(name) > 100 or not set(name) <= NAME_CHARS:
            raise AuthError(f"reviewer name {name!r}: use 1-100 letters, digits, '.', '_', "
                            "'@' or '-'")
        if len(password) < MIN_PASSWORD_CHARS:
            raise AuthError(f"the password must have at least {MIN_PASSWORD_CHARS} characters")
        with self.store.transaction(write=False) as conn:
            exists = conn.execute(select(reviewers.c.name).where(reviewers.c.name == name)
                                  ).first() is not None
        if exists and not replace:
            raise AuthError(f"reviewer {name!r} already exists")
        hashed, now = hash_password(password, cost=self.password_cost), self.store.clock()
        with self.store.transaction(write=True) as conn:
            if exists:
                conn.execute(update(reviewers).where(reviewers.c.name == name)
                             .values(password_hash=hashed, disabled=False))
                conn.execute(delete(sessions).where(sessions.c.reviewer == name))
            else:
                try:
                    conn.execute(insert(reviewers).values(
                        name=name, password_hash=hashed, created_at=now, disabled=False))
                except IntegrityError as exc:
                    raise AuthError(f"reviewer {name!r} already exists") from exc

    def disable_reviewer(self, name: str) -> None:
        """Lock a reviewer out (and end their sessions); ``add_reviewer(replace=True)``
        enables them again with a new password."""
        with self.store.transaction(write=True) as conn:
            found = conn.execute(update(reviewers).where(reviewers.c.name == name)
                                 .values(disabled=True)).rowcount
            if not found:
                raise AuthError(f"reviewer {name!r} does not exist")
            conn.execute(delete(sessions).where(sessions.c.reviewer == name))

    def authenticate(self, name: str, password: str) -> bool:
        with self.store.transaction(write=False) as conn:
            row = conn.execute(select(reviewers).where(reviewers.c.name == name)).first()
        if row is None:
            verify_password(password, _dummy_hash(self.password_cost))
            return False
        return verify_password(password, row.password_hash) and not row.disabled

    def login(self, name: str, password: str) -> tuple[str, WebSession]:
        """A new session token (for the cookie) and its session, or :class:`AuthError`."""
        if not self.authenticate(name, password):
            raise AuthError("unknown reviewer or wrong password")
        token, now = secrets.token_urlsafe(32), self.store.clock()
        session = WebSession(name, secrets.token_urlsafe(32), now + self.session_ttl)
        with self.store.transaction(write=True) as conn:
            conn.execute(delete(sessions).where(sessions.c.expires_at <= now))
            conn.execute(insert(sessions).values(
                token_hash=_digest(token), reviewer=name, csrf_token=session.csrf_token,
                created_at=now, expires_at=session.expires_at))
        return token, session

    def session(self, token: str | None) -> WebSession | None:
        """The live session for a cookie token, or ``None``."""
        if not token:
            return None
        with self.store.transaction(write=False) as conn:
            row = conn.execute(
                select(sessions.c.reviewer, sessions.c.csrf_token, sessions.c.expires_at)
                .join(reviewers, reviewers.c.name == sessions.c.reviewer)
                .where(sessions.c.token_hash == _digest(token),
                       sessions.c.expires_at > self.store.clock(),
                       reviewers.c.disabled.is_(False))).first()
        return WebSession(row.reviewer, row.csrf_token, row.expires_at) if row else None

    def logout(self, token: str) -> None:
        with self.store.transaction(write=True) as conn:
            conn.execute(delete(sessions).where(sessions.c.token_hash == _digest(token)))
