"""HTTP Digest on the OpenRosa endpoints, as stock ODK Collect uses it over plain HTTP: challenged
without credentials, it answers the first Digest challenge with the e-mail and a personal API
token, then reuses the nonce with a growing ``nc`` until the server says ``stale=true``.

Every Authorization header here is computed in the test from the 401's challenge, per RFC 2617
/ 7616 with hashlib (qop ``auth``, a client nonce, ``nc``), not with Willaq's code.

Personas: a field reporter of the ombudsman's network with a token (``field_reporter``), an
analyst of the ombudsman with a token of her own, no credentials, wrong ones."""

import hashlib
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone
from lxml import etree

from willaq.accounts.models import ApiToken, Role, User
from willaq.accounts.services import create_api_token, revoke_api_token
from willaq.earlywarning.choices import ReporterLevel
from willaq.earlywarning.models import PreAlert, Reporter
from willaq.earlywarning.openrosa.responses import XFORMS_LIST_NS
from willaq.earlywarning.openrosa.submission import MAX_SUBMISSION_BYTES
from willaq.earlywarning.tests.test_openrosa import (
    COLLECT_HEADERS,
    FORM_LIST,
    SUBMISSION,
    basic,
    collect_multipart,
    instance_xml,
    openrosa_message,
)
from willaq.earlywarning.xlsforms.build_xlsform import FORM_ID
from willaq.testing.factories import InstitutionFactory, member

pytestmark = pytest.mark.django_db

REPORTER = "reportero@dp.gob.pe"
HASHES: dict[str, Callable[[str], str]] = {
    "MD5": lambda text: hashlib.md5(text.encode(), usedforsecurity=False).hexdigest(),
    "SHA-256": lambda text: hashlib.sha256(text.encode()).hexdigest(),
}


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to("2025-06-12 15:00 -05:00", tick=False)


@pytest.fixture
def reporter_token(field_reporter: User) -> str:
    _token, raw = create_api_token(field_reporter, "Celular de Rosa")
    return raw


# --- the client side, as Collect's Digest authenticator does it --------------------------------


def www_authenticate(response: Any) -> list[str]:
    """Every ``WWW-Authenticate`` header the response sends, in order, as the server sends them."""
    return [value for name, value in response.items() if name.lower() == "www-authenticate"]


def parse_challenge(value: str) -> dict[str, str]:
    scheme, _space, rest = value.partition(" ")
    assert scheme == "Digest"
    params = {
        name.lower(): quoted if quoted is not None and quoted != "" else token
        for name, quoted, token in re.findall(r'(\w+)=(?:"([^"]*)"|([^,\s]*))', rest)
    }
    return params


def digest_challenges(response: Any) -> list[dict[str, str]]:
    return [parse_challenge(v) for v in www_authenticate(response) if v.startswith("Digest ")]


def digest_auth(
    challenge: dict[str, str],
    *,
    method: str,
    uri: str,
    username: str,
    secret: str,
    nc: int = 1,
    cnonce: str = "0a4f113b9c2d",
) -> dict[str, str]:
    """The ``Authorization`` header answering ``challenge`` (RFC 2617 §3.2.2, qop=auth)."""
    algorithm = challenge.get("algorithm", "MD5")
    h = HASHES[algorithm]
    ha1 = h(f"{username}:{challenge['realm']}:{secret}")
    ha2 = h(f"{method}:{uri}")
    count = f"{nc:08x}"
    response = h(f"{ha1}:{challenge['nonce']}:{count}:{cnonce}:auth:{ha2}")
    header = (
        f'Digest username="{username}", realm="{challenge["realm"]}", '
        f'nonce="{challenge["nonce"]}", uri="{uri}", response="{response}", qop=auth, '
        f'nc={count}, cnonce="{cnonce}", algorithm={algorithm}, opaque="{challenge["opaque"]}"'
    )
    return {"HTTP_AUTHORIZATION": header}


def challenge_for(client: Client, algorithm: str = "MD5", path: str = SUBMISSION) -> dict[str, str]:
    response = client.head(path, **COLLECT_HEADERS)
    assert response.status_code == 401
    (challenge,) = [c for c in digest_challenges(response) if c["algorithm"] == algorithm]
    return challenge


def submit_with(client: Client, auth: dict[str, str], xml: bytes) -> Any:
    body, content_type = collect_multipart(xml, {})
    return client.generic(
        "POST", SUBMISSION, body, content_type=content_type, **COLLECT_HEADERS, **auth
    )


# --- the challenge -------------------------------------------------------------------------------


def test_401_carries_basic_then_digest_sha256_and_md5(anon_client: Client) -> None:
    response = anon_client.head(SUBMISSION, **COLLECT_HEADERS)

    assert response.status_code == 401
    values = www_authenticate(response)
    assert len(values) == 3
    assert values[0] == 'Basic realm="Willaq", charset="UTF-8"'
    # Django's own view of the header is the first challenge (Basic): HTTPS clients take it.
    assert response["WWW-Authenticate"] == values[0]
    challenges = digest_challenges(response)
    assert [c["algorithm"] for c in challenges] == ["SHA-256", "MD5"]
    for challenge in challenges:
        assert challenge["realm"] == "Willaq"
        assert challenge["qop"] == "auth"
        assert challenge["opaque"]
        assert "stale" not in challenge
    assert challenges[0]["nonce"] == challenges[1]["nonce"]
    assert 'qop="auth"' in values[2]
    assert "algorithm=MD5" in values[2]
    assert "correo" in openrosa_message(anon_client.get(FORM_LIST, **COLLECT_HEADERS))
    # A new nonce for every challenge.
    assert challenge_for(anon_client)["nonce"] != challenges[0]["nonce"]


def test_wsgi_sends_each_challenge_as_its_own_header(db: None) -> None:
    """What gunicorn sends: the header list the WSGI handler gives ``start_response``."""
    environ = RequestFactory().head(SUBMISSION, **COLLECT_HEADERS).environ
    sent: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        sent.append((status, headers))

    WSGIHandler()(environ, start_response)

    assert len(sent) == 1
    status, headers = sent[0]
    assert status.startswith("401")
    challenges = [value for name, value in headers if name.lower() == "www-authenticate"]
    assert len(challenges) == 3
    assert challenges[0].startswith("Basic ")
    assert [value.split(",")[0] for value in challenges[1:]] == ['Digest realm="Willaq"'] * 2


# --- ODK Collect over plain HTTP ----------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["SHA-256", "MD5"])
def test_collect_flow_head_then_post_with_digest(
    anon_client: Client, field_reporter: User, reporter_token: str, algorithm: str
) -> None:
    challenge = challenge_for(anon_client, algorithm)

    head = anon_client.head(
        SUBMISSION,
        **COLLECT_HEADERS,
        **digest_auth(
            challenge, method="HEAD", uri=SUBMISSION, username=REPORTER, secret=reporter_token
        ),
    )
    # Collect then reuses the nonce for the POST, with the next nc.
    post = submit_with(
        anon_client,
        digest_auth(
            challenge,
            method="POST",
            uri=SUBMISSION,
            username=REPORTER,
            secret=reporter_token,
            nc=2,
        ),
        instance_xml(photo=""),
    )

    assert head.status_code == 204
    assert head["X-OpenRosa-Accept-Content-Length"] == str(MAX_SUBMISSION_BYTES)
    assert head["X-OpenRosa-Version"] == "1.0"
    assert post.status_code == 201, post.content
    assert "recibida" in openrosa_message(post)
    assert PreAlert.objects.count() == 1
    prealert = PreAlert.objects.get()
    assert prealert.submitted_by == field_reporter
    assert prealert.reporter == field_reporter.reporter_profile
    token = ApiToken.objects.get(user=field_reporter)
    assert token.last_used_at == timezone.now()


def test_form_list_and_form_download_with_digest(
    anon_client: Client, field_reporter: User, reporter_token: str
) -> None:
    listing_path = f"{FORM_LIST}?formID={FORM_ID}"
    challenge_response = anon_client.get(listing_path, **COLLECT_HEADERS)
    assert challenge_response.status_code == 401
    challenge = digest_challenges(challenge_response)[0]

    listing = anon_client.get(
        listing_path,
        **COLLECT_HEADERS,
        **digest_auth(
            challenge, method="GET", uri=listing_path, username=REPORTER, secret=reporter_token
        ),
    )
    assert listing.status_code == 200
    forms = etree.fromstring(listing.content).findall(f"{{{XFORMS_LIST_NS}}}xform")
    assert len(forms) == 1
    url = forms[0].findtext(f"{{{XFORMS_LIST_NS}}}downloadUrl")
    assert url is not None
    path = url.removeprefix("http://testserver")

    download = anon_client.get(
        path,
        **COLLECT_HEADERS,
        **digest_auth(
            challenge, method="GET", uri=path, username=REPORTER, secret=reporter_token, nc=2
        ),
    )

    assert download.status_code == 200
    assert etree.fromstring(download.content).tag == "{http://www.w3.org/1999/xhtml}html"


def test_absolute_uri_of_older_clients_is_accepted(
    anon_client: Client, field_reporter: User, reporter_token: str
) -> None:
    # Older versions of Collect's Digest library send the whole URL as the uri.
    challenge = challenge_for(anon_client)
    uri = f"http://testserver{SUBMISSION}"

    response = anon_client.head(
        SUBMISSION,
        **digest_auth(challenge, method="HEAD", uri=uri, username=REPORTER, secret=reporter_token),
    )

    assert response.status_code == 204


# --- refused ------------------------------------------------------------------------------------


def test_wrong_tokens_and_forged_answers_are_401(
    anon_client: Client, field_reporter: User, analyst: User, reporter_token: str
) -> None:
    revoked, revoked_raw = create_api_token(field_reporter, "Celular perdido")
    revoke_api_token(field_reporter, revoked)
    _analyst_token, analyst_raw = create_api_token(analyst, "Celular de Ana")
    challenge = challenge_for(anon_client)

    def head(**kwargs: Any) -> dict[str, str]:
        values = {"method": "HEAD", "uri": SUBMISSION, "username": REPORTER}
        values.update(kwargs)
        return digest_auth(challenge, **values)

    forged = dict(challenge, nonce=challenge["nonce"][:-4] + "0000")
    attempts = [
        head(secret="wq_no-es-el-token"),
        head(secret=revoked_raw),
        head(secret=analyst_raw),  # a token is good only for its own account
        head(secret=reporter_token, username="Reportero@DP.gob.pe"),  # hashed as typed
        head(secret=reporter_token, username="nadie@dp.gob.pe"),
        head(secret=reporter_token, uri="/openrosa/formList"),  # answered for another path
        head(secret=reporter_token, method="GET"),  # answered for another method
        digest_auth(
            dict(challenge, realm="Otro"),
            method="HEAD",
            uri=SUBMISSION,
            username=REPORTER,
            secret=reporter_token,
        ),
        digest_auth(
            forged, method="HEAD", uri=SUBMISSION, username=REPORTER, secret=reporter_token
        ),
        digest_auth(
            dict(challenge, opaque="otro"),
            method="HEAD",
            uri=SUBMISSION,
            username=REPORTER,
            secret=reporter_token,
        ),
        {"HTTP_AUTHORIZATION": "Digest esto no es digest"},
        {"HTTP_AUTHORIZATION": 'Digest username="reportero@dp.gob.pe", realm="Willaq"'},
    ]

    responses = [anon_client.head(SUBMISSION, **COLLECT_HEADERS, **auth) for auth in attempts]

    assert [r.status_code for r in responses] == [401] * len(attempts)
    for response in responses:
        values = www_authenticate(response)
        assert len(values) == 3
        assert values[0].startswith('Basic realm="Willaq"')
        assert all("stale" not in c for c in digest_challenges(response))
    # A wrong answer on a submission creates nothing.
    post = submit_with(
        anon_client,
        digest_auth(challenge, method="POST", uri=SUBMISSION, username=REPORTER, secret="wq_otro"),
        instance_xml(photo=""),
    )
    assert post.status_code == 401
    assert "incorrectos" in openrosa_message(post)
    assert PreAlert.objects.count() == 0


def test_expired_nonce_is_stale_then_the_new_one_works(
    anon_client: Client, field_reporter: User, reporter_token: str, time_machine: Any
) -> None:
    challenge = challenge_for(anon_client)
    time_machine.move_to(timezone.now() + timedelta(minutes=6), tick=False)

    stale = anon_client.head(
        SUBMISSION,
        **digest_auth(
            challenge, method="HEAD", uri=SUBMISSION, username=REPORTER, secret=reporter_token
        ),
    )

    assert stale.status_code == 401
    renewed = digest_challenges(stale)
    assert len(renewed) == 2
    assert [c.get("stale") for c in renewed] == ["true", "true"]
    assert renewed[1]["nonce"] != challenge["nonce"]
    retry = anon_client.head(
        SUBMISSION,
        **digest_auth(
            renewed[1], method="HEAD", uri=SUBMISSION, username=REPORTER, secret=reporter_token
        ),
    )
    assert retry.status_code == 204
    # A wrong token with an expired nonce is a wrong token, not a stale nonce.
    wrong = anon_client.head(
        SUBMISSION,
        **digest_auth(
            challenge, method="HEAD", uri=SUBMISSION, username=REPORTER, secret="wq_otro"
        ),
    )
    assert wrong.status_code == 401
    assert all("stale" not in c for c in digest_challenges(wrong))


def test_nonce_within_its_five_minutes_is_still_good(
    anon_client: Client, field_reporter: User, reporter_token: str, time_machine: Any
) -> None:
    challenge = challenge_for(anon_client)
    time_machine.move_to(timezone.now() + timedelta(minutes=4, seconds=59), tick=False)

    response = anon_client.head(
        SUBMISSION,
        **digest_auth(
            challenge, method="HEAD", uri=SUBMISSION, username=REPORTER, secret=reporter_token
        ),
    )

    assert response.status_code == 204


def test_replayed_nc_is_stale(
    anon_client: Client, field_reporter: User, reporter_token: str
) -> None:
    challenge = challenge_for(anon_client)
    first = digest_auth(
        challenge, method="HEAD", uri=SUBMISSION, username=REPORTER, secret=reporter_token, nc=3
    )
    lower = digest_auth(
        challenge, method="HEAD", uri=SUBMISSION, username=REPORTER, secret=reporter_token, nc=2
    )
    higher = digest_auth(
        challenge, method="HEAD", uri=SUBMISSION, username=REPORTER, secret=reporter_token, nc=4
    )

    statuses = [anon_client.head(SUBMISSION, **auth) for auth in (first, first, lower, higher)]

    assert [r.status_code for r in statuses] == [204, 401, 401, 204]
    for replay in statuses[1:3]:
        assert [c.get("stale") for c in digest_challenges(replay)] == ["true", "true"]


def test_token_without_digest_secret_works_with_basic_only(
    anon_client: Client, field_reporter: User, reporter_token: str
) -> None:
    # A token created before the Digest secrets were kept (the migration leaves them empty).
    ApiToken.objects.update(digest_ha1_md5="", digest_ha1_sha256="")
    challenge = challenge_for(anon_client)

    with_digest = anon_client.head(
        SUBMISSION,
        **digest_auth(
            challenge, method="HEAD", uri=SUBMISSION, username=REPORTER, secret=reporter_token
        ),
    )
    with_basic = submit_with(anon_client, basic(REPORTER, reporter_token), instance_xml(photo=""))

    assert with_digest.status_code == 401
    assert with_basic.status_code == 201, with_basic.content
    assert PreAlert.objects.count() == 1


def test_changed_email_breaks_digest_not_basic(
    anon_client: Client, field_reporter: User, reporter_token: str
) -> None:
    field_reporter.email = "rosa.reportera@dp.gob.pe"
    field_reporter.save(update_fields=["email"])
    challenge = challenge_for(anon_client)

    with_digest = anon_client.head(
        SUBMISSION,
        **digest_auth(
            challenge,
            method="HEAD",
            uri=SUBMISSION,
            username="rosa.reportera@dp.gob.pe",
            secret=reporter_token,
        ),
    )
    with_basic = anon_client.head(SUBMISSION, **basic("rosa.reportera@dp.gob.pe", reporter_token))

    assert with_digest.status_code == 401
    assert with_basic.status_code == 204


def test_digest_failures_lock_the_account(
    anon_client: Client, field_reporter: User, reporter_token: str, settings: Any
) -> None:
    settings.AXES_ENABLED = True
    challenge = challenge_for(anon_client)
    wrong = digest_auth(
        challenge, method="HEAD", uri=SUBMISSION, username=REPORTER, secret="wq_no-es-el-token"
    )

    failures = [
        anon_client.head(SUBMISSION, **wrong).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    right = anon_client.get(
        FORM_LIST,
        **digest_auth(
            challenge, method="GET", uri=FORM_LIST, username=REPORTER, secret=reporter_token
        ),
    )
    password = anon_client.get(FORM_LIST, **basic(REPORTER, "no-es-la-clave"))

    # Counted as the login page's failures: the one that reaches the limit locks the account,
    # and then the right token waits too, over Digest as over Basic with a password.
    assert failures == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert right.status_code == 429
    assert "bloqueada" in openrosa_message(right)
    assert password.status_code == 429
    assert AccessAttempt.objects.filter(username=REPORTER).count() == 1
    attempt = AccessAttempt.objects.get(username=REPORTER)
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT


# --- an independent client over real HTTP ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_digest_over_http(live_server: Any, tmp_path: Path) -> None:
    """curl's own Digest (challenged first, then answering one of the separate Digest headers),
    against the live server over plain HTTP: the HEAD, the form list and a submission."""
    call_command("load_territory", verbosity=0)
    institution = InstitutionFactory(slug="defensoria", name="Defensoría del Pueblo")
    user = member(institution, Role.REPORTER, email="rosa@dp.gob.pe", full_name="Rosa Reportera")
    Reporter.objects.create(
        institution=institution, user=user, name="Rosa", level=ReporterLevel.DISTRICT_GOVERNOR
    )
    _token, raw = create_api_token(user, "Celular de Rosa")
    instance = tmp_path / "instance.xml"
    instance.write_bytes(instance_xml(photo=""))

    def curl(*args: str, secret: str = raw) -> str:
        command = ["curl", "-sS", "--digest", "-u", f"rosa@dp.gob.pe:{secret}"]
        command += ["-H", "X-OpenRosa-Version: 1.0", "-o", "/dev/null", "-w", "%{http_code}"]
        result = subprocess.run(  # noqa: S603 (a fixed command line)
            [*command, *args], capture_output=True, text=True, timeout=60, check=True
        )
        return result.stdout

    head = curl("-I", f"{live_server.url}{SUBMISSION}")
    listing = curl(f"{live_server.url}{FORM_LIST}?formID={FORM_ID}")
    post = curl(
        "-F", f"xml_submission_file=@{instance};type=text/xml", live_server.url + SUBMISSION
    )
    wrong = curl("-I", f"{live_server.url}{SUBMISSION}", secret="wq_otro")

    assert [head, listing, post, wrong] == ["204", "200", "201", "401"]
    assert PreAlert.objects.count() == 1
    assert PreAlert.objects.get().submitted_by == user
