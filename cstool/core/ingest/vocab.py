"""Vendor vocabularies -> canonical values (docs/semantics.md#import-guarantees). Keys are
lower-cased, trimmed raw values.

Unknown priorities and statuses are rejected (CAST) rather than guessed; unknown channels
become `other`. The raw value is always kept beside the canonical one.
"""

from __future__ import annotations

PRIORITY = {
    **dict.fromkeys(["urgent", "critical", "highest", "blocker", "p1", "1", "1 - critical",
                     "emergency"], "urgent"),
    **dict.fromkeys(["high", "major", "p2", "2", "2 - high"], "high"),
    **dict.fromkeys(["normal", "medium", "moderate", "p3", "3", "3 - moderate", "2 - medium"], "normal"),
    **dict.fromkeys(["low", "lowest", "minor", "trivial", "p4", "p5", "4", "5", "4 - low",
                     "5 - planning", "planning", "3 - low"], "low"),
}

STATUS = {
    **dict.fromkeys(["new", "unassigned", "draft"], "new"),
    **dict.fromkeys(["open", "active", "in progress", "work in progress", "assigned", "reopened",
                     "waiting for support", "escalated", "under investigation", "waiting on agent"],
                    "open"),
    **dict.fromkeys(["pending", "pending customer response", "waiting for customer",
                     "waiting on customer", "awaiting user info", "awaiting customer",
                     "waiting on third party", "pending - awaiting customer"], "pending"),
    **dict.fromkeys(["hold", "on hold", "on_hold", "awaiting evidence", "awaiting problem",
                     "awaiting vendor", "awaiting change", "waiting on third-party"], "on_hold"),
    **dict.fromkeys(["solved", "resolved", "done", "completed", "fixed"], "solved"),
    **dict.fromkeys(["closed", "canceled", "cancelled", "declined", "won't do"], "closed"),
}

CHANNEL = {
    **dict.fromkeys(["email", "mail", "e-mail", "inbound email", "outbound", "outbound email"], "email"),
    **dict.fromkeys(["chat", "live chat", "chat widget", "messaging", "whatsapp", "sms",
                     "native messaging"], "chat"),
    **dict.fromkeys(["phone", "phone call", "voice", "phone call (inbound)", "phone call (outbound)",
                     "call", "telephone", "voicemail"], "phone"),
    **dict.fromkeys(["social", "social media", "twitter", "facebook", "instagram", "x"], "social"),
    **dict.fromkeys(["web", "web form", "web widget", "portal", "self-service", "self service",
                     "help center", "api", "feedback widget"], "web"),
}


def normalise(vocab: dict[str, str], value: str | None) -> str | None:
    """Canonical value, None for an empty value, KeyError for an unknown one."""
    if value is None:
        return None
    key = value.strip().lower()
    if not key:
        return None
    return vocab[key]


def normalise_channel(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return CHANNEL.get(value.strip().lower(), "other")
