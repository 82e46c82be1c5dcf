"""Every text a customer reads, in zh-CN (the default) and en, from this one catalogue."""

import functools
from typing import Any

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"

CATALOGUE: dict[str, tuple[str, str]] = {
    # errors
    "INVALID_INPUT": (
        "输入内容无效（不能为空，且不超过 {max_length} 个字符）。",
        "This value is not valid (it must not be empty or longer than {max_length} characters).",
    ),
    "INVALID_PAGE_SIZE": ("每页条数须在 1 到 {max} 之间。", "first must be between 1 and {max}."),
    "INVALID_CURSOR": (
        "分页游标无效，请从第一页重新加载。",
        "This cursor is not valid; load the list again from the first page.",
    ),
    "CONTROL_CHARACTERS": (
        "输入内容包含不可见的控制字符。",
        "This value contains control characters.",
    ),
    "INVALID_PHONE": ("请输入正确的手机号码。", "Enter a valid mobile phone number."),
    "CAPTCHA_INVALID": (
        "图形验证码错误或已过期，请刷新后重试。",
        "The image captcha is wrong or has expired; get a new one and try again.",
    ),
    "CODE_INVALID": ("短信验证码错误。", "The SMS code is not correct."),
    "CODE_EXPIRED": (
        "短信验证码已过期，请重新获取。",
        "The SMS code has expired; request a new one.",
    ),
    "TOO_MANY_ATTEMPTS": (
        "验证码错误次数过多，已失效，请重新获取。",
        "Too many wrong attempts: this code no longer works. Request a new one.",
    ),
    "RATE_LIMITED": (
        "操作过于频繁，请 {seconds} 秒后再试。",
        "Too many requests; try again in {seconds} seconds.",
    ),
    "INVALID_CREDENTIALS": ("手机号或密码错误。", "The phone number or password is not correct."),
    "ACCOUNT_LOCKED": (
        "密码错误次数过多，请 {minutes} 分钟后再试，或使用短信验证码登录。",
        "Too many wrong passwords; try again in {minutes} minutes or log in with an SMS code.",
    ),
    "ACCOUNT_NOT_ACTIVE": (
        "该账户已注销或正在注销，无法登录；如需恢复请使用账户恢复。",
        "This account is closed or being closed and cannot log in; use account restore to bring it back.",
    ),
    "NOT_FOUND": ("未找到。", "Not found."),
    "INVALID_STATE": ("当前状态下不能进行此操作。", "This cannot be done in the current state."),
    "NOT_ELIGIBLE": ("暂不满足注销条件。", "The account cannot be closed yet."),
    "ACKNOWLEDGEMENT_REQUIRED": (
        "请确认您已了解注销后果。",
        "Confirm that you understand what closing the account means.",
    ),
    "INSUFFICIENT_BALANCE": ("可用余额不足。", "The available balance is not enough."),
    "RECOVERY_WINDOW_PASSED": (
        "已超过可恢复期限，账户无法恢复。",
        "The recovery window has passed; the account cannot be restored.",
    ),
    "UNAUTHENTICATED": ("请先登录。", "Log in first."),
    "RECEIPT_REFUSED": (
        "注销回执无效、已过期或已撤销。",
        "This closure receipt is unknown, expired or revoked.",
    ),
    "VERIFICATION_EXPIRED": (
        "身份验证已超过 {minutes} 分钟，请重新获取短信验证码。",
        "Identity was verified more than {minutes} minutes ago; request a new SMS code.",
    ),
    # the support desk's errors
    "TOTP_INVALID": (
        "动态验证码错误或已使用。",
        "The authenticator code is wrong or was already used.",
    ),
    "STAFF_ACCOUNT_LOCKED": (
        "登录失败次数过多，请 {minutes} 分钟后再试。",
        "Too many failed logins; try again in {minutes} minutes.",
    ),
    "STAFF_INVALID_CREDENTIALS": (
        "用户名、密码或动态验证码错误。",
        "The username, password or authenticator code is not correct.",
    ),
    "STAFF_PASSWORD_RULE": ("密码须为 10 到 128 个字符。", "A password has 10 to 128 characters."),
    "STAFF_USERNAME_TAKEN": ("该用户名已被使用。", "This username is taken."),
    "REASON_REQUIRED": ("请填写原因。", "Give a reason."),
    "SELF_APPROVAL": (
        "不能审批自己提交的申请，须由另一位主管审批。",
        "You cannot decide on your own proposal; another supervisor must.",
    ),
    "NOTHING_TO_REFUND": (
        "该客户没有可退款的余额。",
        "This customer has no available balance to refund.",
    ),
    "REFUND_PENDING": (
        "该客户已有一笔待审批的退款。",
        "This customer already has a refund waiting for a decision.",
    ),
    "BALANCE_CHANGED": (
        "客户余额已变化，请驳回此退款并重新提交。",
        "The customer's balance has changed; reject this refund and propose a new one.",
    ),
    "FORBIDDEN": ("您的角色无权执行此操作。", "Your role may not do this."),
    # closure blockers and warnings
    "BALANCE_NOT_ZERO": (
        "账户余额 {amount} 尚未清零：请先提现到绑定的银行卡，或消费完毕后再注销。",
        "Your balance of {amount} is not zero: withdraw it to a bound bank card or spend it first.",
    ),
    "PENDING_TRANSACTIONS": (
        "有 {count} 笔提现或支付尚未完成，请待其完成后再注销。",
        "{count} withdrawal(s) or payment(s) have not settled yet; wait until they do.",
    ),
    "NO_CARD_FOR_WITHDRAWAL": (
        "账户余额 {amount} 需要提现，但您没有绑定银行卡：请先绑定银行卡，或致电客服 {phone}（{hours}）。",
        "Your balance of {amount} must be withdrawn but no bank card is bound: bind a card or call support on {phone} ({hours}).",
    ),
    "CLOSURE_IN_PROGRESS": (
        "您已有一个注销申请正在进行（当前状态：{state}），请继续该申请。",
        "A closure request is already in progress (state: {state}); continue that one.",
    ),
    "HISTORY_DELETED": (
        "注销后，所有交易记录将无法找回。如需保留，请先导出数据（JSON 或 CSV）。",
        "After closure your transaction history cannot be found again. Export your data (JSON or CSV) first if you want to keep it.",
    ),
    "CARDS_UNBOUND": (
        "以下银行卡将被解绑：{cards}。",
        "These bank cards will be unbound: {cards}.",
    ),
    "AUTO_PAY_ENDED": (
        "以下自动扣款/免密支付协议将终止：{agreements}。",
        "These auto-pay / password-free payment agreements will end: {agreements}.",
    ),
    "OTHER_POSTAL_SERVICES_UNAFFECTED": (
        "邮寄服务、邮储银行等其他邮政服务使用独立账户，不会随钱包一起注销。",
        "Mail, the Postal Savings Bank and other postal services keep separate accounts and are not closed.",
    ),
    "RECOVERY_WINDOW": (
        "注销完成后 {days} 天内，可凭手机号和短信验证码恢复账户；之后个人信息将被永久删除。",
        "For {days} days after closure you can restore the account with your phone number and an SMS code; after that your personal data is erased for good.",
    ),
    "RECOVERY_WINDOW_NONE": (
        "注销完成后账户无法恢复，个人信息将立即永久删除。",
        "The account cannot be restored after closure; your personal data is erased at once.",
    ),
    "SECURE_NETWORK": (
        "请在可信的网络和设备上操作，避免使用公共 Wi-Fi；注销后请修改在其他地方重复使用的密码。",
        "Use a trusted network and device, not public Wi-Fi; afterwards change any password you reused elsewhere.",
    ),
    "SUPPORT_CONTACT": (
        "如遇问题，请联系客服 {phone}（{hours}）。",
        "If anything goes wrong, call customer support on {phone} ({hours}).",
    ),
    # SMS texts
    "SMS_LOGIN_CODE": (
        "【邮政数字钱包】您的登录验证码为 {code}，{minutes} 分钟内有效。请勿泄露给他人。",
        "[Postal Wallet] Your login code is {code}, valid for {minutes} minutes. Never share it.",
    ),
    "SMS_CLOSURE_CODE": (
        "【邮政数字钱包】您正在注销账户，验证码为 {code}，{minutes} 分钟内有效。如非本人操作，请立即联系客服。",
        "[Postal Wallet] Your account closure code is {code}, valid for {minutes} minutes. If this was not you, call support now.",
    ),
    "SMS_RESTORE_CODE": (
        "【邮政数字钱包】您正在恢复账户，验证码为 {code}，{minutes} 分钟内有效。",
        "[Postal Wallet] Your account restore code is {code}, valid for {minutes} minutes.",
    ),
    "SMS_CLOSURE_CONFIRMED": (
        "【邮政数字钱包】您已确认注销账户，所有设备已退出登录，几分钟内将完成注销。如非本人操作，请立即致电 {phone}。",
        "[Postal Wallet] You confirmed closing your account; every device is logged out and closure completes within minutes. If this was not you, call {phone} now.",
    ),
    "SMS_CLOSURE_COMPLETED": (
        "【邮政数字钱包】您的账户已注销，银行卡已解绑。{until} 前（含当日）可通过“恢复账户”找回。",
        "[Postal Wallet] Your account is closed and its cards unbound. You can restore it until {until} (inclusive).",
    ),
    "SMS_CLOSURE_COMPLETED_FINAL": (
        "【邮政数字钱包】您的账户已注销，个人信息已删除。",
        "[Postal Wallet] Your account is closed and your personal data erased.",
    ),
    "SMS_CLOSURE_UNDER_REVIEW": (
        "【邮政数字钱包】您已确认注销账户，所有设备已退出登录。为保护您的资金安全，该申请需人工审核，客服将在 1 个工作日内处理。如非本人操作，请立即致电 {phone}。",
        "[Postal Wallet] You confirmed closing your account and every device is logged out. To protect your money, support reviews this request within 1 working day. If this was not you, call {phone} now.",
    ),
    "SMS_CLOSURE_REJECTED": (
        "【邮政数字钱包】经人工审核，您的注销申请未获通过，账户保持正常，请重新登录。如有疑问请致电 {phone}。",
        "[Postal Wallet] After review your closure request was not approved; your account stays open, log in again. Questions: call {phone}.",
    ),
    "SMS_RECOVERY_ENDING": (
        "【邮政数字钱包】您已注销的账户可恢复至 {until}，之后个人信息将被永久删除。",
        "[Postal Wallet] Your closed account can be restored until {until}; after that your personal data is erased for good.",
    ),
    "SMS_ACCOUNT_RESTORED": (
        "【邮政数字钱包】您的账户已恢复，请重新绑定银行卡。如非本人操作，请立即致电 {phone}。",
        "[Postal Wallet] Your account is restored; bind your bank card again. If this was not you, call {phone} now.",
    ),
    # audit log, as the customer reads it
    "AUDIT_LOGIN_SUCCEEDED": ("登录成功（{method}）", "Logged in ({method})"),
    "AUDIT_LOGOUT": ("退出登录", "Logged out"),
    "AUDIT_LOGOUT_ALL": (
        "退出全部设备（{sessions} 个登录）",
        "Logged out on all devices ({sessions} sessions)",
    ),
    "AUDIT_ACCOUNT_CREATED": ("账户开立", "Account opened"),
    "AUDIT_CLOSURE_STARTED": ("发起注销申请", "Started closing the account"),
    "AUDIT_CLOSURE_CODE_SENT": ("发送注销短信验证码", "Closure SMS code sent"),
    "AUDIT_CLOSURE_VERIFIED": ("注销身份验证通过", "Identity verified for closure"),
    "AUDIT_CLOSURE_UNDER_REVIEW": (
        "确认注销，所有设备已退出登录；申请需人工审核（1 个工作日内）",
        "Closure confirmed; every device logged out; support reviews it within 1 working day",
    ),
    "AUDIT_CLOSURE_CONFIRMED": (
        "确认注销，所有设备已退出登录",
        "Closure confirmed; every device logged out",
    ),
    "AUDIT_CLOSURE_REJECTED": (
        "注销被拒绝：确认时不满足注销条件",
        "Closure refused: not eligible at confirmation",
    ),
    "AUDIT_CLOSURE_COMPLETED": ("账户已注销", "Account closed"),
    "AUDIT_CLOSURE_CANCELLED": ("取消注销申请", "Closure cancelled"),
    "AUDIT_CLOSURE_EXPIRED": ("注销申请已过期", "Closure request expired"),
    "AUDIT_CLOSURE_RESTORED": ("账户已恢复", "Account restored"),
    "AUDIT_ACCOUNT_PURGED": ("个人信息已删除", "Personal data erased"),
    "AUDIT_WITHDRAWAL_REQUESTED": ("申请提现 {amount}", "Withdrawal of {amount} requested"),
    "AUDIT_WITHDRAWAL_SETTLED": ("提现 {amount} 已到账", "Withdrawal of {amount} settled"),
    "AUDIT_WITHDRAWAL_FAILED": (
        "提现 {amount} 失败，资金已退回余额",
        "Withdrawal of {amount} failed; the money is back in the balance",
    ),
    "AUDIT_DATA_EXPORT_REQUESTED": ("申请导出数据（{format}）", "Data export requested ({format})"),
    "AUDIT_DATA_EXPORT_DOWNLOADED": ("下载导出的数据", "Data export downloaded"),
    # transactions, as the customer reads them
    "MOVEMENT_TOP_UP": ("充值", "Top-up"),
    "MOVEMENT_PAYMENT": ("消费", "Payment"),
    "MOVEMENT_WITHDRAWAL": ("提现到银行卡", "Withdrawal to a bank card"),
    "MOVEMENT_OFFLINE_REFUND": ("客服线下退款", "Refund by customer support"),
    "MOVEMENT_CORRECTION": ("账务更正", "Correction"),
    "METHOD_PASSWORD": ("密码", "password"),
    "METHOD_SMS_CODE": ("短信验证码", "SMS code"),
}


def negotiate(accept_language: str | None) -> str:
    """The first of zh-CN or en that the Accept-Language header prefers; zh-CN otherwise."""
    if accept_language is None or len(accept_language) <= CACHED_HEADER:
        return _recent(accept_language)
    return _negotiate(accept_language)


CACHED_HEADER = 128  # an app sends the same few headers on every request: parsed once


def _negotiate(accept_language: str | None) -> str:
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


_recent = functools.lru_cache(maxsize=256)(_negotiate)


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def message(key: str, lang: str, **params: Any) -> str:
    zh, en = CATALOGUE[key]
    return (en if lang == "en" else zh).format_map(_Blank(params))
