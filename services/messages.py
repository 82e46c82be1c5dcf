"""Every text a customer reads, in zh-CN (the default) and en, from this one catalogue."""

from typing import Any

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"

CATALOGUE: dict[str, tuple[str, str]] = {
    # errors
    "INVALID_INPUT": ("输入内容无效（不能为空，且不超过 {max_length} 个字符）。",
                      "This value is not valid (it must not be empty or longer than {max_length} characters)."),
    "INVALID_PHONE": ("请输入正确的手机号码。", "Enter a valid mobile phone number."),
    "CAPTCHA_INVALID": ("图形验证码错误或已过期，请刷新后重试。",
                        "The image captcha is wrong or has expired; get a new one and try again."),
    "CODE_INVALID": ("短信验证码错误。", "The SMS code is not correct."),
    "CODE_EXPIRED": ("短信验证码已过期，请重新获取。", "The SMS code has expired; request a new one."),
    "TOO_MANY_ATTEMPTS": ("验证码错误次数过多，已失效，请重新获取。",
                          "Too many wrong attempts: this code no longer works. Request a new one."),
    "RATE_LIMITED": ("操作过于频繁，请 {seconds} 秒后再试。",
                     "Too many requests; try again in {seconds} seconds."),
    "INVALID_CREDENTIALS": ("手机号或密码错误。", "The phone number or password is not correct."),
    "ACCOUNT_LOCKED": ("密码错误次数过多，请 {minutes} 分钟后再试，或使用短信验证码登录。",
                       "Too many wrong passwords; try again in {minutes} minutes or log in with an SMS code."),
    "ACCOUNT_NOT_ACTIVE": ("该账户已注销或正在注销，无法登录；如需恢复请使用账户恢复。",
                           "This account is closed or being closed and cannot log in; use account restore to bring it back."),
    "NOT_FOUND": ("未找到。", "Not found."),
    "INVALID_STATE": ("当前状态下不能进行此操作。", "This cannot be done in the current state."),
    "NOT_ELIGIBLE": ("暂不满足注销条件。", "The account cannot be closed yet."),
    "ACKNOWLEDGEMENT_REQUIRED": ("请确认您已了解注销后果。",
                                 "Confirm that you understand what closing the account means."),
    "INSUFFICIENT_BALANCE": ("可用余额不足。", "The available balance is not enough."),
    "RECOVERY_WINDOW_PASSED": ("已超过可恢复期限，账户无法恢复。",
                               "The recovery window has passed; the account cannot be restored."),
    "UNAUTHENTICATED": ("请先登录。", "Log in first."),
    # SMS texts
    "SMS_LOGIN_CODE": ("【邮政数字钱包】您的登录验证码为 {code}，{minutes} 分钟内有效。请勿泄露给他人。",
                       "[Postal Wallet] Your login code is {code}, valid for {minutes} minutes. Never share it."),
    "SMS_CLOSURE_CODE": ("【邮政数字钱包】您正在注销账户，验证码为 {code}，{minutes} 分钟内有效。如非本人操作，请立即联系客服。",
                         "[Postal Wallet] Your account closure code is {code}, valid for {minutes} minutes. If this was not you, call support now."),
    "SMS_RESTORE_CODE": ("【邮政数字钱包】您正在恢复账户，验证码为 {code}，{minutes} 分钟内有效。",
                         "[Postal Wallet] Your account restore code is {code}, valid for {minutes} minutes."),
    # audit log, as the customer reads it
    "AUDIT_LOGIN_SUCCEEDED": ("登录成功（{method}）", "Logged in ({method})"),
    "AUDIT_LOGOUT": ("退出登录", "Logged out"),
    "AUDIT_LOGOUT_ALL": ("退出全部设备（{sessions} 个登录）", "Logged out on all devices ({sessions} sessions)"),
    "AUDIT_ACCOUNT_CREATED": ("账户开立", "Account opened"),
    "METHOD_PASSWORD": ("密码", "password"),
    "METHOD_SMS_CODE": ("短信验证码", "SMS code"),
}


def negotiate(accept_language: str | None) -> str:
    """The first of zh-CN or en that the Accept-Language header prefers; zh-CN otherwise."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        ranked.append((-weight, position, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LANGUAGE


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def message(key: str, lang: str, **params: Any) -> str:
    zh, en = CATALOGUE[key]
    return (en if lang == "en" else zh).format_map(_Blank(params))
