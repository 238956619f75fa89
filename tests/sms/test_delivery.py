"""Both channels fail in the same four ways and are recorded alike (sms_modem/delivery.py): each
transport's exceptions are the shared kinds, so the one `attempt` decides for both."""

from __future__ import annotations

import pytest

from sms_modem import delivery, modem, smtp_relay


@pytest.mark.parametrize(
    ("raised", "kind"),
    [
        (modem.LinkDown("port gone"), delivery.ChannelDown),
        (smtp_relay.RelayDown("connection refused"), delivery.ChannelDown),
        (modem.MaybeSent("no answer after the body"), delivery.MaybeSent),
        (smtp_relay.MaybeSent("connection reset after DATA"), delivery.MaybeSent),
        (modem.SendFailed("CMS 38", "network out of order", permanent=False), delivery.Refused),
        (smtp_relay.Refused(450, "mailbox busy"), delivery.Refused),
    ],
)
def test_each_transport_failure_is_one_of_the_shared_kinds(raised, kind):
    assert isinstance(raised, kind)


def test_an_smtp_refusal_keeps_the_code_and_text_the_outbox_stored_before():
    busy, gone = smtp_relay.Refused(450, "mailbox busy"), smtp_relay.Refused(550, "no such user")
    assert (busy.code, busy.detail, busy.permanent, str(busy)) == (
        "smtp:450",
        "450 mailbox busy",
        False,
        "450 mailbox busy",
    )
    assert gone.permanent and gone.smtp_code == 550


def test_backoff_doubles_up_to_its_cap():
    assert [delivery.backoff(n, 60, 600) for n in range(1, 7)] == [60, 120, 240, 480, 600, 600]
