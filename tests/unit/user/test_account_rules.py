"""The account rules of the user service layer (sign-up, phone verification, login limits,
token rotation and reuse, logout, password change, social login), on a migrated SQLite
database with the embedded profile's in-process limiter and revocation file, phone codes
sent through the SENS adapter to its test double and social logins through the OAuth
provider test double."""

from __future__ import annotations

from collections.abc import Awaitable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from gridam_runtime import context
from gridam_runtime.errors import DomainError, ResourceExhausted
from gridam_runtime.kv import InProcessRateLimiter
from gridam_runtime.limits import Limiter
from tests.doubles.oauth_provider import OAuthProviderDouble
from tests.support.user_layer import UserLayer, user_layer
from user_service.adapters.oauth import KakaoClient, NaverClient, OAuthEndpoints
from user_service.config import UserSettings

BROWSER = "a-browser-binding-of-enough-characters"


@pytest.fixture
def users(tmp_path, sens_provider) -> Iterator[UserLayer]:
    with user_layer(UserSettings(data_dir=tmp_path), sens_provider) as layer:
        yield layer


async def reason(call: Awaitable[object]) -> str:
    with pytest.raises(DomainError) as failure:
        await call
    return failure.value.reason


async def caller_is(users: UserLayer, access_token: str) -> str:
    """The login id an access token opens the caller's profile as, or the reason it does not."""
    context.bearer_token.set(access_token)
    try:
        return (await users.profiles.get("")).login_id
    except DomainError as refused:
        return refused.reason


# --- sign-up and phone verification ------------------------------------------------------


@pytest.mark.parametrize(("login_id", "password", "nickname", "code"), [
    ("a b", "secret123", "하루", "USER4001"),
    ("abc", "secret123", "하루", "USER4001"),  # 4-20 characters
    ("_starts_badly", "secret123", "하루", "USER4001"),
    ("good_id", "short1", "하루", "USER4002"),
    ("good_id", "onlyletters", "하루", "USER4002"),
    ("good_id", "12345678", "하루", "USER4002"),
    ("good_id", "secret123", "   ", "USER4003"),
    ("good_id", "secret123", "가" * 21, "USER4003"),
    ("good_id", "secret123", "하\u202e루", "USER4003"),  # a right-to-left override is refused, not dropped
])
async def test_sign_up_refuses_bad_values_and_the_verification_stays_usable(users, login_id, password, nickname, code):
    phone = await users.verified("01012345678")
    assert await reason(users.accounts.sign_up(login_id, password, nickname, phone)) == code
    user = await users.accounts.sign_up("Good_ID", "secret123", "하루", phone)
    assert (user.login_id, user.nickname, user.phone) == ("good_id", "하루", "01012345678")  # ids are lower case


async def test_a_sign_up_needs_a_number_verified_on_the_server_and_spends_it(users):
    phone = "01012345678"
    assert await reason(users.accounts.sign_up("haru_1", "secret123", "하루", phone)) == "USER4006"
    await users.accounts.send_phone_code(phone)  # sent, not verified
    assert await reason(users.accounts.sign_up("haru_1", "secret123", "하루", phone)) == "USER4006"
    await users.accounts.verify_phone_code(phone, users.sms.last_code_for(phone))
    await users.accounts.sign_up("haru_1", "secret123", "하루", phone)
    assert await reason(users.accounts.sign_up("haru_2", "secret123", "하루", phone)) == "USER4006"


async def test_a_login_id_and_a_number_make_one_account_each(tmp_path, sens_provider):
    seconds = [0.0]  # the limiter's clock: past the 30 seconds between two codes to one number
    limiter = Limiter(InProcessRateLimiter(clock=lambda: seconds[0]))
    with user_layer(UserSettings(data_dir=tmp_path), sens_provider, limiter=limiter) as users:
        await users.accounts.sign_up("haru_1", "secret123", "하루", await users.verified("01012345678"))
        phone = await users.verified("01087654321")
        assert await reason(users.accounts.sign_up("HARU_1", "secret123", "하루", phone)) == "USER4091"
        seconds[0] += 31
        await users.verified("01012345678")
        assert await reason(users.accounts.sign_up("haru_2", "secret123", "하루", "010-1234-5678")) == "USER4092"


async def test_the_code_sent_by_sms_verifies_and_five_wrong_codes_spend_it(users):
    await users.accounts.send_phone_code("010-1234-5678")  # written with dashes, sent to the digits
    message = users.sms.messages[-1]
    code = users.sms.last_code_for("01012345678")
    assert message.to == "01012345678" and code in message.content and "그리담" in message.content
    wrong = "000000" if code != "000000" else "111111"
    assert [await reason(users.accounts.verify_phone_code("01012345678", wrong)) for _ in range(5)] == ["SMS4002"] * 5
    assert await reason(users.accounts.verify_phone_code("01012345678", code)) == "SMS4291"


async def test_a_code_is_resent_after_thirty_seconds_only_and_bad_numbers_get_none(users):
    await users.accounts.send_phone_code("01012345678")
    sent = len(users.sms.messages)
    with pytest.raises(ResourceExhausted) as refused:
        await users.accounts.send_phone_code("01012345678")
    assert (refused.value.reason, refused.value.retry_after_seconds) == ("SMS4292", 30)
    for bad in ("12345", "02-123-4567", "0101234567a", ""):
        assert await reason(users.accounts.send_phone_code(bad)) == "SMS4001"
    assert await reason(users.accounts.verify_phone_code("01099990000", "123456")) == "SMS4003"  # no code sent
    assert len(users.sms.messages) == sent


# --- login limits ---------------------------------------------------------------------


async def test_a_wrong_password_and_an_unknown_login_id_fail_alike(users):
    await users.sign_up("haru_1")
    assert await reason(users.accounts.login("haru_1", "wrong-pass1", "10.0.0.1")) == "AUTH4001"
    assert await reason(users.accounts.login("nobody_here", "secret123", "10.0.0.2")) == "AUTH4001"
    assert await caller_is(users, (await users.accounts.login(" HARU_1 ", "secret123", "10.0.0.3")).access_token) == "haru_1"


async def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes_from_any_address(users):
    await users.sign_up("haru_1")
    await users.sign_up("dal_1")
    for n in range(5):
        assert await reason(users.accounts.login("haru_1", "nope12345", f"10.0.1.{n}")) == "AUTH4001"
    with pytest.raises(ResourceExhausted) as refused:
        await users.accounts.login("haru_1", "secret123", "10.0.2.1")  # even the right password
    assert refused.value.reason == "AUTH4291" and 0 < refused.value.retry_after_seconds <= 900
    assert (await users.accounts.login("dal_1", "secret123", "10.0.2.1")).access_token  # another account is not held up


async def test_a_successful_login_forgives_the_failures_before_it(users):
    await users.sign_up("haru_1")
    for _ in range(2):
        for _ in range(4):
            assert await reason(users.accounts.login("haru_1", "nope12345", "10.0.0.1")) == "AUTH4001"
        assert (await users.accounts.login("haru_1", "secret123", "10.0.0.1")).access_token


async def test_one_address_gets_thirty_login_attempts_in_five_minutes(users):
    for n in range(30):
        assert await reason(users.accounts.login(f"guess_{n:03d}", "x1234567", "203.0.113.9")) == "AUTH4001"
    with pytest.raises(ResourceExhausted) as refused:
        await users.accounts.login("guess_999", "x1234567", "203.0.113.9")
    assert (refused.value.reason, refused.value.retry_after_seconds) == ("AUTH4291", 300)
    assert await reason(users.accounts.login("guess_999", "x1234567", "198.51.100.7")) == "AUTH4001"


# --- sessions: rotation, reuse, logout, password change ----------------------------------


async def test_reissue_rotates_the_refresh_token_and_a_reused_one_ends_the_session(users):
    await users.sign_up("haru_1")
    first = await users.accounts.login("haru_1", "secret123", "10.0.0.1")
    other = await users.accounts.login("haru_1", "secret123", "10.0.0.2")  # another device
    second = await users.accounts.reissue(first.refresh_token)
    assert second.refresh_token != first.refresh_token and await caller_is(users, second.access_token) == "haru_1"

    # The first refresh token comes back: someone holds a copy. The whole family is revoked.
    assert await reason(users.accounts.reissue(first.refresh_token)) == "AUTH4013"
    assert await reason(users.accounts.reissue(second.refresh_token)) == "AUTH4012"
    assert await caller_is(users, second.access_token) == "AUTH4011"
    assert await caller_is(users, first.access_token) == "AUTH4011"
    # The other device's session is untouched.
    assert await caller_is(users, other.access_token) == "haru_1"
    assert await caller_is(users, (await users.accounts.reissue(other.refresh_token)).access_token) == "haru_1"


async def test_an_unknown_or_empty_refresh_token_reissues_nothing(users):
    for token in ("made-up", ""):
        assert await reason(users.accounts.reissue(token)) == "AUTH4012"


async def test_logout_ends_the_access_and_the_refresh_token_of_that_session_only(users):
    await users.sign_up("haru_1")
    other = await users.accounts.login("haru_1", "secret123", "10.0.0.2")
    mine = await users.log_in("haru_1")
    await users.accounts.logout()
    assert await caller_is(users, mine.access_token) == "AUTH4011"
    assert await reason(users.accounts.reissue(mine.refresh_token)) == "AUTH4012"
    assert await caller_is(users, other.access_token) == "haru_1"


async def test_a_password_change_needs_the_current_one_and_ends_the_other_sessions(users):
    await users.sign_up("haru_1")
    other = await users.accounts.login("haru_1", "secret123", "10.0.0.2")
    mine = await users.log_in("haru_1")
    assert await reason(users.accounts.change_password("wrong-one1", "newpass123")) == "USER4007"
    assert await reason(users.accounts.change_password("secret123", "short")) == "USER4002"
    assert await users.accounts.change_password("secret123", "newpass123") == 1
    assert await caller_is(users, mine.access_token) == "haru_1"
    assert await caller_is(users, other.access_token) == "AUTH4011"
    assert await reason(users.accounts.reissue(other.refresh_token)) == "AUTH4012"
    assert (await users.accounts.login("haru_1", "newpass123", "10.0.0.3")).access_token
    assert await reason(users.accounts.login("haru_1", "secret123", "10.0.0.3")) == "AUTH4001"


# --- social login ---------------------------------------------------------------------


@pytest.fixture
def social(tmp_path, sens_provider, oauth_provider: OAuthProviderDouble) -> Iterator[UserLayer]:
    providers = {"kakao": KakaoClient(OAuthEndpoints(**oauth_provider.endpoint_kwargs("kakao"))),
                 "naver": NaverClient(OAuthEndpoints(**oauth_provider.endpoint_kwargs("naver")))}
    with user_layer(UserSettings(data_dir=tmp_path), sens_provider, oauth_providers=providers) as layer:
        yield layer
    for client in providers.values():
        client.close()


async def state_of(users: UserLayer, provider: str) -> str:
    return parse_qs(urlsplit(await users.accounts.oauth_authorization_url(provider, BROWSER)).query)["state"][0]


async def test_a_kakao_account_makes_one_gridam_account_and_logs_into_it_again(social, oauth_provider):
    state = await state_of(social, "kakao")
    code = oauth_provider.issue_code("kakao", "20261207", "카카오친구")
    tokens, created = await social.accounts.oauth_login("kakao", code, state, "10.0.0.1", BROWSER)
    context.bearer_token.set(tokens.access_token)
    profile = await social.profiles.get("")
    assert created and profile.nickname == "카카오친구" and profile.login_id.startswith("kakao_")
    again, created = await social.accounts.oauth_login("kakao", oauth_provider.issue_code("kakao", "20261207", "새이름"),
                                                       state, "10.0.0.1", BROWSER)
    assert not created and await caller_is(social, again.access_token) == profile.login_id
    assert (await social.profiles.get(profile.login_id)).nickname == "카카오친구"  # the provider's new name does not overwrite


@pytest.mark.parametrize(("nickname", "shown"), [(None, "그리담 친구"), ("\u202e\u200b", "그리담 친구"),
                                                 ("네이버\x00친구", "네이버친구")])
async def test_a_providers_nickname_is_cleaned_or_replaced(social, oauth_provider, nickname, shown):
    state = await state_of(social, "naver")
    code = oauth_provider.issue_code("naver", f"naver-{len(nickname or '')}", nickname, state=state)
    tokens, _ = await social.accounts.oauth_login("naver", code, state, "10.0.0.1", BROWSER)
    context.bearer_token.set(tokens.access_token)
    assert (await social.profiles.get("")).nickname == shown


async def test_a_social_login_needs_its_own_providers_state_and_a_fresh_code(social, oauth_provider):
    state = await state_of(social, "naver")
    code = oauth_provider.issue_code("naver", "naver-7", "네이버친구", state=state)
    assert await reason(social.accounts.oauth_login("naver", code, state[:-3] + "abc", "", BROWSER)) == "OAUTH4002"
    assert await reason(social.accounts.oauth_login("kakao", code, state, "", BROWSER)) == "OAUTH4002"
    assert await reason(social.accounts.oauth_login("google", code, state, "", BROWSER)) == "OAUTH4001"
    assert await reason(social.accounts.oauth_authorization_url("google", BROWSER)) == "OAUTH4001"
    assert (await social.accounts.oauth_login("naver", code, state, "", BROWSER))[1] is True
    assert await reason(social.accounts.oauth_login("naver", code, state, "", BROWSER)) == "OAUTH4003"  # used once
