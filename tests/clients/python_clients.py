"""Issue 9: authlib, requests-oauthlib and PyJWT's PyJWKClient, unchanged, against the running server.

Run by scripts/clients.sh with BASE (the issuer), EMAIL and PASSWORD of a registered user.
Prints one line per check and, last, `python: N passed, N failed`.
"""
import os
import sys
import traceback

import jwt
import requests
from authlib.integrations.requests_client import OAuth2Session as AuthlibSession
from authlib.integrations.base_client.errors import OAuthError as AuthlibOAuthError
from oauthlib.oauth2 import LegacyApplicationClient
from oauthlib.oauth2.rfc6749.errors import InvalidGrantError
from requests_oauthlib import OAuth2Session as RequestsOAuthlibSession

BASE = os.environ["BASE"]
EMAIL = os.environ["EMAIL"]
PASSWORD = os.environ["PASSWORD"]
DISCOVERY = requests.get(f"{BASE}/.well-known/openid-configuration", timeout=10).json()
TOKEN_URL = DISCOVERY["token_endpoint"]
results = {"passed": 0, "failed": 0}


def check(name):
    def run(fn):
        try:
            fn()
            results["passed"] += 1
            print(f"PASS python {name}")
        except Exception:  # noqa: BLE001 - every failure is reported, none stops the run
            results["failed"] += 1
            print(f"FAIL python {name}")
            traceback.print_exc(file=sys.stdout)
        return fn

    return run


def verify_with_pyjwt(access_token, client_id):
    signing_key = jwt.PyJWKClient(DISCOVERY["jwks_uri"]).get_signing_key_from_jwt(access_token)
    assert jwt.get_unverified_header(access_token)["typ"] == "at+jwt"
    claims = jwt.decode(
        access_token,
        signing_key.key,
        algorithms=DISCOVERY["access_token_signing_alg_values_supported"],
        audience="auth-service",
        issuer=DISCOVERY["issuer"],
        options={"require": ["exp", "iat", "sub", "jti", "client_id"]},
    )
    assert claims["client_id"] == client_id, claims


@check("authlib: password grant, refresh, userinfo, revocation, PyJWKClient")
def authlib_flow():
    session = AuthlibSession(client_id="authlib-client", token_endpoint_auth_method="none")
    token = session.fetch_token(TOKEN_URL, username=EMAIL, password=PASSWORD, grant_type="password")
    verify_with_pyjwt(token["access_token"], "authlib-client")
    refreshed = session.refresh_token(TOKEN_URL, refresh_token=token["refresh_token"])
    assert refreshed["refresh_token"] != token["refresh_token"]
    info = session.get(DISCOVERY["userinfo_endpoint"], timeout=10)
    assert info.status_code == 200 and info.json()["email"] == EMAIL, info.text
    assert isinstance(info.json()["updated_at"], int)
    revoked = session.revoke_token(
        DISCOVERY["revocation_endpoint"], token=refreshed["refresh_token"], token_type_hint="refresh_token"
    )
    assert revoked.status_code == 200, revoked.text
    after = requests.get(
        DISCOVERY["userinfo_endpoint"], headers={"Authorization": f"Bearer {refreshed['access_token']}"}, timeout=10
    )
    assert after.status_code == 401, after.text


@check("authlib: wrong password and a used refresh token raise invalid_grant")
def authlib_errors():
    session = AuthlibSession(client_id="authlib-client", token_endpoint_auth_method="none")
    try:
        session.fetch_token(TOKEN_URL, username=EMAIL, password="not the password", grant_type="password")
        raise AssertionError("a wrong password was accepted")
    except AuthlibOAuthError as error:
        assert error.error == "invalid_grant", error.error
    try:
        session.refresh_token(TOKEN_URL, refresh_token="not-a-refresh-token")
        raise AssertionError("a bad refresh token was accepted")
    except AuthlibOAuthError as error:
        assert error.error == "invalid_grant", error.error


@check("requests-oauthlib: legacy password grant, refresh, invalid_grant, PyJWKClient")
def requests_oauthlib_flow():
    session = RequestsOAuthlibSession(client=LegacyApplicationClient(client_id="requests-oauthlib"))
    token = session.fetch_token(TOKEN_URL, username=EMAIL, password=PASSWORD, include_client_id=True)
    verify_with_pyjwt(token["access_token"], "requests-oauthlib")
    refreshed = session.refresh_token(TOKEN_URL, refresh_token=token["refresh_token"], client_id="requests-oauthlib")
    verify_with_pyjwt(refreshed["access_token"], "requests-oauthlib")
    info = session.get(DISCOVERY["userinfo_endpoint"], timeout=10)
    assert info.status_code == 200 and info.json()["sub"] == jwt.decode(
        refreshed["access_token"], options={"verify_signature": False}
    )["sub"]
    try:
        RequestsOAuthlibSession(client=LegacyApplicationClient(client_id="requests-oauthlib")).fetch_token(
            TOKEN_URL, username=EMAIL, password="not the password", include_client_id=True
        )
        raise AssertionError("a wrong password was accepted")
    except InvalidGrantError:
        pass


print(f"python: {results['passed']} passed, {results['failed']} failed")
sys.exit(1 if results["failed"] else 0)
