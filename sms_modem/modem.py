"""python-gsmmodem-new, wrapped where it is weak.

What the library does well is kept: connecting and setting a modem up, PDU encoding, and
its AT-command write with response parsing. What it does badly is mended here:

* `GsmModem.sendSms` raises the same TimeoutException whether the modem never gave the
  "> " prompt (nothing was sent) or went quiet after taking the text (it may have been
  sent), and waits a fixed 35 s. `send()` does the two steps itself with its own timeouts
  and tells them apart: before the body, retrying is safe; after it, the text is "maybe sent".
* The reader thread decodes every line as UTF-8 and catches only SerialException: one
  non-UTF-8 byte kills it while `alive` stays True, and every later command times out.
  `healthy()` looks at the thread itself, so the loop reconnects.
* A `+CDS` status report whose header and PDU arrive in two reads is dropped (the library
  treats them as two unrelated notifications); a PDU it cannot decode crashes its handler;
  and a report that arrives while a command waits for its answer is swept into that answer
  and never reported (back-to-back sends lose most reports). `_Modem` takes every status-report
  PDU wherever it lands, in notifications and inside answers alike. Reports are taken directly (+CDS,
  AT+CNMI=2,1,0,1,0), not via +CDSI, which reads each report back from the SIM and loses
  them in bursts.
* `waitForNetworkCoverage(timeout)` starts a non-daemon `threading.Timer` for the whole timeout
  and never cancels it: every one-shot command (`run --once`, `check`, `send-test`) then stays
  alive up to `--network-timeout` seconds after its work, and the long-running loop leaks one
  timer thread per reconnect. `_Modem` waits against a deadline instead, with no thread.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import queue
import time
from collections.abc import Callable

import serial
from gsmmodem.exceptions import (
    CmeError,
    CmsError,
    CommandError,
    EncodingError,
    GsmModemException,
    InvalidStateException,
    TimeoutException,
)
from gsmmodem.modem import GsmModem
from gsmmodem.pdu import decodeSmsPdu, encodeSmsSubmitPdu
from gsmmodem.util import lineMatching, lineStartingWith

from sms_modem import delivery

log = logging.getLogger("okienko.modem")

CTRLZ = "\x1a"
DIRECT_STATUS_REPORTS = "2,1,0,1,0"
# +CMS errors that no retry will cure (27.005 §3.2.5 and network cause values).
PERMANENT_CMS = {1, 8, 10, 21, 28, 29, 30, 50, 96, 304, 305}


class LinkDown(delivery.ChannelDown):
    """The modem is gone or not talking; nothing was handed over. Reconnect and try again."""


class SendFailed(delivery.Refused):
    """The modem or network refused the text (a CMS error, a command the modem did not take)."""


class MaybeSent(delivery.MaybeSent):
    """The modem took the text and then did not answer in time: it may have sent it."""


@dataclasses.dataclass(frozen=True)
class DeliveryReport:
    reference: int
    delivered: bool
    status: int


@dataclasses.dataclass(frozen=True)
class ModemInfo:
    manufacturer: str
    model: str
    signal: int
    network: str | None
    registration: str
    smsc: str | None


@dataclasses.dataclass(frozen=True)
class ModemStatus:
    signal: int | None  # 0-31 as +CSQ reports it; None when the modem does not know (99)
    network: str | None
    registration: str


class _Modem(GsmModem):
    """GsmModem with its status-report handling mended (see the module docstring).

    A report comes as a `+CDS: <len>` header line and a PDU line, but the halves can land
    apart: one inside a command's answer and the other in a notification, in two separate
    notifications, or interleaved with another report's halves. The PDU alone carries the
    message reference and the status, so every PDU line that decodes as a status report is
    taken as one wherever it lands, and the headers are only framing.
    """

    # The library's reader thread blocks in a serial read of 1 s (SerialComms.timeout) and looks
    # at `alive` only between reads, so every close (each `run --once`, `check`, reconnect) waited
    # about a second for it. A short read changes nothing else: a read that times out is skipped.
    READ_TIMEOUT_S = 0.1

    def __init__(self, *args, report_sink: Callable[[str], None], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.timeout = self.READ_TIMEOUT_S
        self._report_sink = report_sink

    def _handleModemNotification(self, lines):
        rest = []
        for line in lines:
            if _is_pdu(line):
                self._report_sink(line)
            elif not line.startswith("+CDS:"):
                rest.append(line)
        if rest:
            super()._handleModemNotification(rest)

    def waitForNetworkCoverage(self, timeout: float | None = None) -> int:
        """The library's wait (registered on +CREG, then a signal above 0), against a monotonic
        deadline: the library's version leaves a non-daemon Timer running (module docstring)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        check_creg = True
        while deadline is None or time.monotonic() < deadline:
            if check_creg:
                creg = lineMatching(r"^\+CREG:\s*(\d),(\d)(,[^,]*,[^,]*)?$", self.write("AT+CREG?", parseError=False))
                if creg is None or int(creg.group(2)) in (1, 5):
                    # Registered (home network or roaming), or no +CREG answer at all (then signal
                    # strength alone decides): the signal is asked at once. The library slept a second
                    # here, on every connect.
                    check_creg = False
                    continue
                if int(creg.group(2)) == 3:
                    raise InvalidStateException("Network registration denied")
                elif int(creg.group(2)) == 0:
                    raise InvalidStateException("Device not searching for network operator")
            else:
                signal = self.signalStrength
                if signal > 0:
                    return signal
            time.sleep(1)
        raise TimeoutException()

    def salvage(self, answer: list[str]) -> None:
        """Reports that arrived inside a command's answer (the library would drop them)."""
        for line in answer:
            if _is_pdu(line):
                self._report_sink(line)


# When the modem vanishes, the library's reader thread closes the port while the loop may be in
# the middle of a write. pyserial then fails with whatever it trips over in the half-closed port
# (TypeError from select/os.read on a descriptor already set to None, AttributeError, ValueError)
# instead of SerialException; seen in CI with a modem unplugged mid-send. All of them mean
# "the port is gone".
PORT_ERRORS = (serial.SerialException, OSError, TypeError, AttributeError, ValueError)


def _is_pdu(line: str) -> bool:
    return bool(line) and len(line) >= 20 and all(ch in "0123456789ABCDEFabcdef" for ch in line)


class ModemLink:
    def __init__(
        self,
        port: str,
        baud: int = 115200,
        pin: str | None = None,
        prompt_timeout: float = 5.0,
        body_timeout: float = 35.0,
        network_timeout: float = 60.0,
    ) -> None:
        self.port, self.baud, self.pin = port, baud, pin
        self.prompt_timeout, self.body_timeout, self.network_timeout = prompt_timeout, body_timeout, network_timeout
        self.reports: queue.Queue[DeliveryReport] = queue.Queue()
        self._modem: _Modem | None = None

    # ------------------------------------------------------------------ connection

    def open(self) -> None:
        """Connect, set the modem up and wait for the network; raises LinkDown on any failure."""
        self.close()
        modem = _Modem(self.port, self.baud, AT_CNMI=DIRECT_STATUS_REPORTS, requestDelivery=True,
                       smsStatusReportCallback=self._on_report, report_sink=self._on_report_pdu)  # fmt: skip
        try:
            modem.connect(pin=self.pin)
            modem.waitForNetworkCoverage(timeout=self.network_timeout)
        # The library parses its set-up answers without checking them: an answer that lacks the line
        # it expects (a modem out of step after a lost link) ends in a TypeError inside connect().
        except (*PORT_ERRORS, GsmModemException, UnicodeDecodeError) as exc:
            self._modem = modem
            self.close()
            raise LinkDown(f"cannot use the modem on {self.port}: {exc!r}") from exc
        self._modem = modem
        log.info("modem ready on %s", self.port)

    def healthy(self) -> bool:
        modem = self._modem
        if modem is None or not modem.alive:
            return False
        reader = getattr(modem, "rxThread", None)
        port = getattr(modem, "serial", None)
        return bool(reader and reader.is_alive() and port and port.is_open)

    def close(self) -> None:
        modem, self._modem = self._modem, None
        if modem is None:
            return
        modem.alive = False
        reader = getattr(modem, "rxThread", None)
        if reader is not None and reader.is_alive():
            reader.join(timeout=3)
        # A port that vanished may refuse to close; it is gone either way.
        with contextlib.suppress(Exception):
            modem.serial.close()

    def _on_report(self, report) -> None:
        self.reports.put(DeliveryReport(int(report.reference), report.deliveryStatus == 0, int(report.deliveryStatus)))

    # ------------------------------------------------------------------ sending

    def send(self, number: str, text: str) -> int:
        """Send one single-segment SMS; returns the modem's message reference."""
        if not self.healthy():
            raise LinkDown("modem not connected")
        pdus = encodeSmsSubmitPdu(number, text, reference=0, requestStatusReport=True)
        if len(pdus) != 1:
            # A multipart send can fail half-way; the texts are made to fit one SMS.
            raise SendFailed("multipart", f"text needs {len(pdus)} SMS", permanent=True)
        pdu = pdus[0]
        modem = self._modem
        try:
            prompt = modem.write(f"AT+CMGS={pdu.tpduLength}", timeout=self.prompt_timeout, expectedResponseTermSeq="> ")
            modem.salvage(prompt)
        except TimeoutException as exc:
            raise LinkDown(f"no prompt from the modem: {exc!r}") from exc
        except CmsError as exc:
            raise self._cms(exc) from exc
        except (CmeError, CommandError) as exc:
            raise SendFailed("command", repr(exc), permanent=False) from exc
        except PORT_ERRORS as exc:
            raise LinkDown(repr(exc)) from exc
        # From here on the text is in the modem's hands.
        try:
            lines = modem.write(str(pdu), timeout=self.body_timeout, writeTerm=CTRLZ)
        except TimeoutException as exc:
            raise MaybeSent(f"no answer within {self.body_timeout} s after the text was handed over") from exc
        except CmsError as exc:
            raise self._cms(exc) from exc
        except PORT_ERRORS as exc:
            raise MaybeSent(f"the port failed after the text was handed over: {exc!r}") from exc
        except (CmeError, CommandError) as exc:
            raise SendFailed("command", repr(exc), permanent=False) from exc
        modem.salvage(lines)
        answer = lineStartingWith("+CMGS:", lines)
        if answer is None:
            raise MaybeSent(f"no +CMGS in the answer {lines!r}")
        return int(answer[6:].strip())

    def _on_report_pdu(self, pdu: str) -> None:
        try:
            decoded = decodeSmsPdu(pdu)
        except (EncodingError, ValueError, StopIteration):
            log.warning("undecodable status report dropped: %r", pdu[:80])
            return
        if decoded.get("type") == "SMS-STATUS-REPORT":
            status = int(decoded["status"])
            self.reports.put(DeliveryReport(int(decoded["reference"]), status == 0, status))

    @staticmethod
    def _cms(exc: CmsError) -> SendFailed:
        return SendFailed(f"CMS {exc.code}", repr(exc), permanent=exc.code in PERMANENT_CMS)

    # ------------------------------------------------------------------ information

    def info(self) -> ModemInfo:
        modem = self._modem
        if modem is None:
            raise LinkDown("modem not connected")
        return ModemInfo(modem.manufacturer, modem.model, modem.signalStrength, modem.networkName,
                         _registration(modem.write("AT+CREG?", parseError=False)), modem.smsc)  # fmt: skip

    def status(self) -> ModemStatus:
        """Signal, operator and registration, for the heartbeat. The port carries one command at a
        time, so the loop asks only between texts, never during a send."""
        modem = self._modem
        if modem is None or not self.healthy():
            raise LinkDown("modem not connected")
        # The library's signalStrength/networkName wait 10 s for a modem that went quiet; the same
        # commands and patterns with the send prompt's timeout keep the loop responsive.

        def ask(command: str) -> list[str]:
            lines = modem.write(command, timeout=self.prompt_timeout, parseError=False)
            modem.salvage(lines)  # a delivery report may have landed in this answer
            return lines

        try:
            csq = lineMatching(modem.CSQ_REGEX.pattern, ask("AT+CSQ"))
            cops = lineMatching(r'^\+COPS: (\d),(\d),"(.+)",{0,1}\d*$', ask("AT+COPS?"))
            registration = _registration(ask("AT+CREG?"))
        except (GsmModemException, UnicodeDecodeError, *PORT_ERRORS) as exc:
            raise LinkDown(f"the modem did not answer a status query: {exc!r}") from exc
        signal = int(csq.group(1)) if csq else 99
        return ModemStatus(None if signal == 99 else signal, cops.group(3) if cops else None, registration)


REGISTRATION_STATES = {"0": "not registered", "1": "home network", "2": "searching", "3": "denied", "5": "roaming"}


def _registration(creg_answer: list[str]) -> str:
    creg = lineMatching(r"^\+CREG:\s*(\d),(\d)", creg_answer)
    return REGISTRATION_STATES.get(creg.group(2), creg.group(2)) if creg else "unknown"
