"""Plain-English documentation of the apps' schema, for GraphiQL's docs pane and the code the
mobile teams generate: units, limits and the errors to expect. Filled into every type, field,
argument, enum value and input field that its definition left undescribed (enums come from the
domain, which knows nothing of GraphQL); a test fails on anything left bare."""

from collections.abc import Iterator

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
)

LOGIN = "Needs `Authorization: Bearer <token>`; without a live session: UNAUTHENTICATED."
PAGE_FIRST = "How many to return: 1 to 100 (default 20); otherwise INVALID_INPUT."
PAGE_AFTER = "`pageInfo.endCursor` of the page before; omitted for the first page."
ERRORS = "Business-rule refusals; empty when it worked. Nothing changed when not empty."
REQUEST_ID = "The closure request's id, from startClosure."
CAPTCHA_ID = "The id createCaptcha returned; each captcha answers once, within 2 minutes."
CAPTCHA_ANSWER = "The characters in the captcha image (case-insensitive)."
PHONE = "Mainland mobile number, 13800000001 or +8613800000001; otherwise INVALID_PHONE."
DEVICE = "Shown in the session list, e.g. 'iPhone 15' (at most 64 characters; may be empty)."
SMS_CODE = "The 6 digits of the SMS; 5 minutes, single use, void after 5 wrong tries."

DOCS: dict[str, str] = {
    # queries
    "Query": "What the apps read.",
    "Query.me": "The logged-in customer's account. " + LOGIN,
    "Query.myAuditLog(first)": "How many entries, newest first: 1 to 100 (default 20).",
    "Query.securityLog(first)": PAGE_FIRST,
    "Query.securityLog(after)": PAGE_AFTER,
    "Query.transactions(first)": PAGE_FIRST,
    "Query.transactions(after)": PAGE_AFTER,
    "Query.dataExport(id)": "The export's id, from requestDataExport.",
    "Query.closureEligibility": "Whether the account can be closed now: the blockers to clear "
    "and the warnings to show first. " + LOGIN,
    "Query.closureRequest(id)": REQUEST_ID,
    "Mutation": "What the apps change. Refusals come back in each payload's `errors`.",
    # the account
    "Account": "The customer's wallet account as the app shows it.",
    "Account.id": "Stable id of the account.",
    "Account.phoneMasked": "The phone number with its middle hidden, like 138****0002.",
    "Account.status": "ACTIVE, or where the account is in closing.",
    "Account.bankCards": "Cards bound now (withdrawals go to one of these).",
    "Account.sessions": "Devices logged in now, the most recently seen first.",
    "AccountStatus": "Where an account is in its life.",
    "AccountStatus.ACTIVE": "Open and usable.",
    "AccountStatus.CLOSING": "Closure confirmed (or held for review): frozen, every session "
    "revoked, completion within minutes.",
    "AccountStatus.CLOSED": "Closed; restorable with the phone and an SMS code inside the "
    "recovery window.",
    "AccountStatus.PURGED": "Personal data erased after the recovery window; cannot come back.",
    "AccountRef": "The account a login or restore opened a session for.",
    "AccountRef.id": "Stable id of the account.",
    "AccountRef.status": "ACTIVE after a successful login or restore.",
    "Money": "An amount of CNY in integer fen (分); never a float.",
    "Money.fen": "The amount in fen: 12850 is ¥128.50. Negative when money left the wallet.",
    "Money.currency": "Always CNY.",
    "Money.display": "The amount for people, like ¥128.50 or -¥30.00.",
    "BankCard": "A bank card bound to the wallet; only its last four digits are known here.",
    "BankCard.id": "Pass as `cardId` to withdrawBalance.",
    "BankCard.bankName": "The issuing bank, e.g. 中国邮政储蓄银行.",
    "BankCard.last4": "The card number's last four digits.",
    "Session": "A device logged in to the account.",
    "Session.id": "Stable id of the session.",
    "Session.deviceName": "The name the app gave at login.",
    "Session.current": "True for the session making this request.",
    "Session.lastSeenAt": "When the device last used the session (to the minute).",
    "Withdrawal": "Money on its way from the wallet to a bound bank card.",
    "Withdrawal.id": "Stable id of the withdrawal.",
    "Withdrawal.status": "PENDING until the bank answers.",
    "Withdrawal.amount": "The amount withdrawn.",
    "WithdrawalStatus": "How far the bank has got with a withdrawal.",
    "WithdrawalStatus.PENDING": "Sent to the bank, no answer yet; blocks closure "
    "(PENDING_TRANSACTIONS).",
    "WithdrawalStatus.SETTLED": "Paid out to the card.",
    "WithdrawalStatus.FAILED": "Refused by the bank; the money is back in the balance.",
    # security log
    "AuditLogEntry": "One line of the customer's security log.",
    "AuditLogEntry.at": "When it happened (ISO-8601 with zone).",
    "AuditLogEntry.action": "What happened, as a stable code.",
    "AuditLogEntry.detail": "What happened, in the request's language.",
    "AuditAction": "What a security log line records.",
    "AuditAction.ACCOUNT_CREATED": "The account was opened.",
    "AuditAction.LOGIN_SUCCEEDED": "A login by password or SMS code (or a restore).",
    "AuditAction.LOGOUT": "One device logged out.",
    "AuditAction.LOGOUT_ALL": "Every device logged out.",
    "AuditAction.CLOSURE_STARTED": "A closure request was started.",
    "AuditAction.CLOSURE_CODE_SENT": "A closure SMS code was sent.",
    "AuditAction.CLOSURE_VERIFIED": "Identity was verified for closure.",
    "AuditAction.CLOSURE_UNDER_REVIEW": "Closure confirmed and held for review by support.",
    "AuditAction.CLOSURE_CONFIRMED": "Closure confirmed; every device logged out.",
    "AuditAction.CLOSURE_REJECTED": "Closure refused (a blocker at confirmation, or support).",
    "AuditAction.CLOSURE_COMPLETED": "The account was closed.",
    "AuditAction.CLOSURE_CANCELLED": "The customer cancelled a closure request.",
    "AuditAction.CLOSURE_EXPIRED": "A closure request was not confirmed in time.",
    "AuditAction.CLOSURE_RESTORED": "The account was restored.",
    "AuditAction.ACCOUNT_PURGED": "Personal data was erased.",
    "AuditAction.WITHDRAWAL_REQUESTED": "A withdrawal was requested.",
    "AuditAction.WITHDRAWAL_SETTLED": "A withdrawal was paid out.",
    "AuditAction.WITHDRAWAL_FAILED": "A withdrawal failed; the money came back.",
    "AuditAction.DATA_EXPORT_REQUESTED": "A data export was requested.",
    "AuditAction.DATA_EXPORT_DOWNLOADED": "A data export was downloaded.",
    # pages
    "AuditLogEntryConnection.edges": "The entries of this page, newest first.",
    "AuditLogEntryConnection.pageInfo": "Whether there is more, and where to continue.",
    "AuditLogEntryEdge": "One security log entry with its cursor.",
    "AuditLogEntryEdge.cursor": "Opaque; pass as `after` to continue after this entry.",
    "AuditLogEntryEdge.node": "The entry.",
    "TransactionConnection.edges": "The movements of this page, newest first.",
    "TransactionConnection.pageInfo": "Whether there is more, and where to continue.",
    "TransactionEdge": "One movement with its cursor.",
    "TransactionEdge.cursor": "Opaque; pass as `after` to continue after this movement.",
    "TransactionEdge.node": "The movement.",
    "PageInfo": "Where a page ends.",
    "PageInfo.hasNextPage": "True when another page follows.",
    "Transaction.id": "Stable id of the movement.",
    "Transaction.kind": "Why the money moved.",
    "Transaction.createdAt": "When the movement was recorded.",
    "TransactionKind": "Why money moved.",
    "TransactionKind.TOP_UP": "Money came into the wallet.",
    "TransactionKind.PAYMENT": "Money was spent at a merchant.",
    "TransactionKind.WITHDRAWAL": "Money went to a bound bank card.",
    "TransactionKind.OFFLINE_REFUND": "Support paid the balance out to a named account.",
    "TransactionKind.CORRECTION": "A correction of an earlier movement.",
    "TransactionStatus": "Whether a movement has settled.",
    "TransactionStatus.PENDING": "Not settled yet (a withdrawal the bank has not answered).",
    "TransactionStatus.SETTLED": "Done.",
    "TransactionStatus.VOIDED": "Did not happen (a failed withdrawal); nothing moved.",
    # exports
    "DataExport": "A copy of the customer's data (profile, cards, transactions) to download "
    "once before closing.",
    "DataExport.id": "Stable id of the export.",
    "DataExport.status": "PENDING while it is built (seconds), then READY.",
    "DataExport.format": "JSON or CSV.",
    "DataExport.expiresAt": "After this the link no longer works (24 hours after READY).",
    "ExportStatus": "Where an export is.",
    "ExportStatus.PENDING": "Being built.",
    "ExportStatus.READY": "Ready to download once, through `downloadUrl`.",
    "ExportStatus.DOWNLOADED": "Downloaded; the file is gone.",
    "ExportStatus.EXPIRED": "Not downloaded within 24 hours; the file is gone.",
    "ExportFormat": "The file format of an export.",
    "ExportFormat.JSON": "One JSON document.",
    "ExportFormat.CSV": "One CSV table (UTF-8), a row per record.",
    # closure
    "ClosureEligibility": "What stands between the customer and closing the account.",
    "ClosureEligibility.canClose": "True when there are no blockers.",
    "ClosureEligibility.blockers": "What must be cleared first, each with how.",
    "ClosureEligibility.warnings": "What the customer must see before confirming.",
    "ClosureEligibility.recoveryWindowDays": "Days after completion during which the account "
    "can be restored (0: none).",
    "ClosureEligibility.openRequest": "The request in progress, if any: continue it instead "
    "of starting another.",
    "Blocker.code": "Stable code to switch on.",
    "Blocker.message": "How to clear it, in the request's language.",
    "BlockerCode": "Why closure is not possible now.",
    "BlockerCode.BALANCE_NOT_ZERO": "Money in the wallet: withdraw or spend it first.",
    "BlockerCode.PENDING_TRANSACTIONS": "A withdrawal or payment has not settled: wait.",
    "BlockerCode.NO_CARD_FOR_WITHDRAWAL": "Money but no card to withdraw to: bind one or call "
    "support (an offline refund).",
    "BlockerCode.CLOSURE_IN_PROGRESS": "A closure request is already open: continue it.",
    "Warning.code": "Stable code to switch on.",
    "Warning.message": "What to tell the customer, in the request's language.",
    "WarningCode": "What the customer must know before confirming.",
    "WarningCode.HISTORY_DELETED": "History cannot be found again: export it first.",
    "WarningCode.CARDS_UNBOUND": "These cards will be unbound.",
    "WarningCode.AUTO_PAY_ENDED": "These auto-pay agreements will end.",
    "WarningCode.OTHER_POSTAL_SERVICES_UNAFFECTED": "Other postal services keep their accounts.",
    "WarningCode.RECOVERY_WINDOW": "How many days the account can be restored.",
    "WarningCode.SECURE_NETWORK": "Use a trusted network and device.",
    "WarningCode.SUPPORT_CONTACT": "How to reach customer support.",
    "ClosureRequestRef": "A closure request, in brief.",
    "ClosureRequestRef.id": REQUEST_ID,
    "ClosureRequestRef.state": "Where the request is.",
    "ClosureRequestRef.expiresAt": "Not confirmed by then, it expires (30 minutes after start).",
    "ClosureRequestRef.confirmedAt": "When the customer confirmed; null before.",
    "ClosureState": "Where a closure request is.",
    "ClosureState.STARTED": "Started; next: sendClosureCode.",
    "ClosureState.CODE_SENT": "SMS code sent; next: verifyClosureIdentity.",
    "ClosureState.VERIFIED": "Identity verified; confirmClosure within 10 minutes.",
    "ClosureState.UNDER_REVIEW": "Confirmed and held for support's review (within 1 working "
    "day); the account is frozen meanwhile.",
    "ClosureState.CONFIRMED": "Confirmed; completes within minutes.",
    "ClosureState.COMPLETED": "The account is closed; restorable until `recoverableUntil`.",
    "ClosureState.CANCELLED": "Cancelled by the customer.",
    "ClosureState.EXPIRED": "Not confirmed within 30 minutes.",
    "ClosureState.REJECTED": "Refused: a blocker appeared at confirmation, or support declined.",
    "ClosureState.RESTORED": "The account was restored.",
    "ClosureRequest": "A closure request with its timeline.",
    "ClosureRequest.id": REQUEST_ID,
    "ClosureRequest.state": "Where the request is.",
    "ClosureRequest.reason": "Why the customer is closing.",
    "ClosureRequest.createdAt": "When it was started.",
    "ClosureRequest.confirmedAt": "When the customer confirmed; null before.",
    "ClosureRequest.completedAt": "When the account was closed; null before.",
    "ClosureRequest.recoverableUntil": "The end of the recovery window; null before completion.",
    "ClosureRequest.timeline": "Every state it entered, oldest first.",
    "ClosureReason": "Why the customer closes the account.",
    "ClosureReason.NO_LONGER_USED": "No longer used.",
    "ClosureReason.PRIVACY": "Privacy.",
    "ClosureReason.SWITCHING_PROVIDER": "Moving to another provider.",
    "ClosureReason.OTHER": "Another reason (say which in `comment`).",
    "TimelineStep": "A state the request entered.",
    "TimelineStep.state": "The state.",
    "TimelineStep.at": "When.",
    # mutations
    "Mutation.createCaptcha": "A new image captcha (5 characters, 2 minutes); at most 30 a "
    "minute per client address, then RATE_LIMITED.",
    "Mutation.createCaptcha(purpose)": "What the captcha will be used for.",
    "Mutation.sendLoginCode": "Sends a login code by SMS, after a captcha. The answer is the "
    "same whether or not the phone has an account. Errors: "
    "INVALID_PHONE, CAPTCHA_INVALID, RATE_LIMITED.",
    "Mutation.sendLoginCode(input)": "The phone and a solved captcha.",
    "Mutation.loginWithCode": "Logs in with the SMS code; errors: CODE_INVALID, CODE_EXPIRED, "
    "TOO_MANY_ATTEMPTS, ACCOUNT_NOT_ACTIVE.",
    "Mutation.loginWithCode(input)": "The phone, its code and a device name.",
    "Mutation.loginWithPassword": "Logs in with the password; errors: INVALID_CREDENTIALS, "
    "ACCOUNT_LOCKED (10 wrong in 15 minutes), RATE_LIMITED, "
    "ACCOUNT_NOT_ACTIVE.",
    "Mutation.loginWithPassword(input)": "The phone, the password and a device name.",
    "Mutation.logout": "Ends this session. " + LOGIN,
    "Mutation.logoutAllDevices": "Ends every session of the account. " + LOGIN,
    "Mutation.withdrawBalance": "Withdraws to a bound card; PENDING until the bank answers. "
    "Errors: NOT_FOUND (card), INSUFFICIENT_BALANCE, "
    "ACCOUNT_NOT_ACTIVE. " + LOGIN,
    "Mutation.withdrawBalance(input)": "The card, the amount and an idempotency key.",
    "Mutation.requestDataExport": "Queues a data export (one an hour, else RATE_LIMITED). " + LOGIN,
    "Mutation.requestDataExport(input)": "The file format.",
    "Mutation.startClosure": "Starts closing the account, or answers with its `blockers`. " + LOGIN,
    "Mutation.startClosure(input)": "Why, and an idempotency key.",
    "Mutation.sendClosureCode": "Sends the closure SMS code after a captcha; errors: "
    "CAPTCHA_INVALID, RATE_LIMITED, INVALID_STATE. " + LOGIN,
    "Mutation.sendClosureCode(input)": "The request and a solved captcha.",
    "Mutation.verifyClosureIdentity": "Checks the closure code and returns the warnings to "
    "show; errors: CODE_INVALID, CODE_EXPIRED, "
    "TOO_MANY_ATTEMPTS, INVALID_STATE. " + LOGIN,
    "Mutation.verifyClosureIdentity(input)": "The request and the SMS code.",
    "Mutation.confirmClosure": "Confirms closure: every session is revoked at once. Errors: "
    "ACKNOWLEDGEMENT_REQUIRED, VERIFICATION_EXPIRED, NOT_ELIGIBLE "
    "(the request is then REJECTED), INVALID_STATE. " + LOGIN,
    "Mutation.confirmClosure(input)": "The request and the explicit acknowledgement.",
    "Mutation.cancelClosure": "Cancels a request before confirmation; INVALID_STATE after. "
    + LOGIN,
    "Mutation.cancelClosure(input)": "The request.",
    "Mutation.sendRestoreCode": "Sends a restore code to the phone of a closed account "
    "(the same answer for any phone); errors: INVALID_PHONE, "
    "CAPTCHA_INVALID, RATE_LIMITED.",
    "Mutation.sendRestoreCode(input)": "The phone and a solved captcha.",
    "Mutation.restoreAccount": "Restores a closed account inside its recovery window and logs "
    "in; errors: CODE_INVALID, INVALID_STATE, "
    "RECOVERY_WINDOW_PASSED.",
    "Mutation.restoreAccount(input)": "The phone, its restore code and a device name.",
    # payloads and inputs
    "CaptchaPayload": "A captcha to show.",
    "CaptchaPayload.captchaId": CAPTCHA_ID,
    "CaptchaPayload.expiresAt": "Answer before this (2 minutes).",
    "CaptchaPurpose": "What a captcha unlocks.",
    "CaptchaPurpose.LOGIN": "sendLoginCode.",
    "CaptchaPurpose.CLOSURE": "sendClosureCode.",
    "CaptchaPurpose.RESTORE": "sendRestoreCode.",
    "SendCodePayload": "The answer to a code request.",
    "SendCodePayload.errors": ERRORS,
    "UserError.code": "Stable code to switch on.",
    "UserError.message": "What to show, in the request's language.",
    "UserError.field": "The input field at fault (camelCase), when one is.",
    "ErrorCode.INVALID_INPUT": "A value is empty, too long or holds control characters.",
    "ErrorCode.INVALID_PHONE": "Not a valid mainland mobile number.",
    "ErrorCode.CAPTCHA_INVALID": "Wrong, used or expired captcha: get a new one.",
    "ErrorCode.CODE_INVALID": "Wrong SMS code.",
    "ErrorCode.CODE_EXPIRED": "The SMS code's 5 minutes are over: ask for a new one.",
    "ErrorCode.TOO_MANY_ATTEMPTS": "5 wrong tries: the code is void, ask for a new one.",
    "ErrorCode.RATE_LIMITED": "Too many requests; `resendAfterSeconds` (where present) says "
    "when to try again.",
    "ErrorCode.INVALID_CREDENTIALS": "Wrong phone or password.",
    "ErrorCode.ACCOUNT_LOCKED": "Password login locked for 15 minutes; SMS login still works.",
    "ErrorCode.ACCOUNT_NOT_ACTIVE": "The account is closing or closed: use restore.",
    "ErrorCode.NOT_FOUND": "No such thing of this customer's.",
    "ErrorCode.INVALID_STATE": "Not possible in the request's current state.",
    "ErrorCode.NOT_ELIGIBLE": "A blocker holds; the message says which.",
    "ErrorCode.ACKNOWLEDGEMENT_REQUIRED": "acknowledgeIrreversible must be true.",
    "ErrorCode.INSUFFICIENT_BALANCE": "More than the available balance.",
    "ErrorCode.RECOVERY_WINDOW_PASSED": "Too late to restore.",
    "ErrorCode.VERIFICATION_EXPIRED": "Verified more than 10 minutes ago: send a new code.",
    "SendLoginCodeInput": "Ask for a login code.",
    "SendLoginCodeInput.phone": PHONE,
    "SendLoginCodeInput.captchaId": CAPTCHA_ID,
    "SendLoginCodeInput.captchaAnswer": CAPTCHA_ANSWER,
    "LoginPayload": "A login's answer: the bearer token, or errors.",
    "LoginPayload.token": "Send as `Authorization: Bearer <token>`; 30 days, revocable. Null "
    "when `errors` is not empty.",
    "LoginPayload.account": "The account logged in to.",
    "LoginPayload.errors": ERRORS,
    "LoginWithCodeInput": "Log in with an SMS code.",
    "LoginWithCodeInput.phone": PHONE,
    "LoginWithCodeInput.code": SMS_CODE,
    "LoginWithCodeInput.deviceName": DEVICE,
    "LoginWithPasswordInput": "Log in with the password.",
    "LoginWithPasswordInput.phone": PHONE,
    "LoginWithPasswordInput.password": "The account's password (at most 128 characters).",
    "LoginWithPasswordInput.deviceName": DEVICE,
    "LogoutPayload": "A logout's answer.",
    "LogoutPayload.errors": ERRORS,
    "LogoutAllDevicesPayload": "A logout everywhere's answer.",
    "LogoutAllDevicesPayload.revokedSessions": "How many sessions were ended.",
    "LogoutAllDevicesPayload.errors": ERRORS,
    "WithdrawBalancePayload": "A withdrawal's answer.",
    "WithdrawBalancePayload.withdrawal": "The withdrawal (the same one again for a repeated "
    "idempotency key).",
    "WithdrawBalancePayload.errors": ERRORS,
    "WithdrawBalanceInput": "Withdraw to a bound card.",
    "WithdrawBalanceInput.cardId": "A card of `me.bankCards`; another's is NOT_FOUND.",
    "WithdrawBalanceInput.idempotencyKey": "Unique per withdrawal (at most 64 characters): a "
    "retry with the same key returns the same one.",
    "RequestDataExportPayload": "A data export request's answer.",
    "RequestDataExportPayload.export": "The queued export; poll dataExport(id).",
    "RequestDataExportPayload.errors": ERRORS,
    "RequestDataExportInput": "Ask for a data export.",
    "RequestDataExportInput.format": "JSON or CSV.",
    "StartClosurePayload": "A closure start's answer.",
    "StartClosurePayload.request": "The new (or, for a repeated key, the same) request; null "
    "when blocked.",
    "StartClosurePayload.blockers": "What must be cleared first; empty when it started.",
    "StartClosurePayload.errors": "One NOT_ELIGIBLE per blocker, or other refusals.",
    "StartClosureInput": "Start closing the account.",
    "StartClosureInput.reason": "Why the customer is closing.",
    "StartClosureInput.comment": "Free text, at most 500 characters; may be empty.",
    "SendClosureCodePayload": "A closure code request's answer.",
    "SendClosureCodePayload.request": "The request, now CODE_SENT.",
    "SendClosureCodePayload.resendAfterSeconds": "Seconds until another code may be asked for.",
    "SendClosureCodePayload.errors": ERRORS,
    "SendClosureCodeInput": "Ask for the closure SMS code.",
    "SendClosureCodeInput.requestId": REQUEST_ID,
    "SendClosureCodeInput.captchaId": CAPTCHA_ID,
    "SendClosureCodeInput.captchaAnswer": CAPTCHA_ANSWER,
    "VerifyClosureIdentityPayload": "A verification's answer.",
    "VerifyClosureIdentityPayload.request": "The request, now VERIFIED.",
    "VerifyClosureIdentityPayload.warnings": "What to show before the customer confirms.",
    "VerifyClosureIdentityPayload.errors": ERRORS,
    "VerifyClosureIdentityInput": "Prove the phone for closure.",
    "VerifyClosureIdentityInput.requestId": REQUEST_ID,
    "VerifyClosureIdentityInput.code": SMS_CODE,
    "ClosureRequestPayload": "The request after a confirmation or cancellation.",
    "ClosureRequestPayload.request": "The request in its new state (REJECTED when a blocker "
    "held at confirmation).",
    "ClosureRequestPayload.errors": ERRORS,
    "ClosureRequestPayload.receipt": "confirmClosure's receipt (null when it was refused, and "
    "from cancelClosure): keep it, it is shown once.",
    "ClosureReceipt": "Follows one confirmed request without a login (confirming revoked every "
    "session): a secret for closureStatus and for downloads, which take "
    "`Authorization: Receipt <secret>`.",
    "ClosureReceipt.secret": "Shown once, only a hash of it is kept: store it in the keychain.",
    "ClosureReceipt.validUntil": "90 days after the planned purge of personal data; it moves "
    "later when the purge does (a legal hold), and a restore "
    "revokes the receipt at once.",
    "Query.closureStatus": "The request a receipt follows, with its certificates and the data "
    "export asked for before confirming. No login; an unknown, expired "
    "or revoked receipt is UNAUTHENTICATED; RATE_LIMITED past 60 reads "
    "a minute from one address.",
    "Query.closureStatus(receipt)": "The secret of confirmClosure's receipt.",
    "Query.verifyClosureCertificate": "Checks a certificate by the code printed on it. No "
    "login; RATE_LIMITED past 60 checks a minute from one "
    "address.",
    "Query.verifyClosureCertificate(code)": "The verification code, as printed (case, spaces "
    "and dashes do not matter).",
    "ClosureStatus": "A confirmed request as its receipt shows it.",
    "ClosureStatus.request": "The request with its timeline and recovery deadline.",
    "ClosureStatus.certificates": "CLOSURE once the account is closed, ERASURE once its "
    "personal data is erased; oldest first.",
    "ClosureStatus.dataExport": "The export asked for last before confirming (its link takes "
    "the receipt); null when none was.",
    "CertificateKind": "What a certificate attests.",
    "CertificateKind.CLOSURE": "The account was closed: balance 0, cards unbound, agreements "
    "ended.",
    "CertificateKind.ERASURE": "The account's personal data was erased; says what is kept, "
    "until when and why.",
    "Certificate": "A signed statement the customer can show a bank or a court.",
    "Certificate.id": "Stable id of the certificate (its `jti` claim).",
    "Certificate.kind": "CLOSURE or ERASURE.",
    "Certificate.issuedAt": "When it was signed.",
    "Certificate.verificationCode": "The short code printed on it: anyone checks it with "
    "verifyClosureCertificate.",
    "Certificate.jws": "The certificate itself: a JWS (compact, EdDSA/Ed25519, `kid` in its "
    "header), checked offline against GET "
    "/.well-known/closure-certificate-keys.json.",
    "Certificate.downloadUrl": "The JWS as a file (application/jose); takes the receipt.",
    "Certificate.pdfUrl": "The certificate as a one-page PDF in Chinese and English, with its "
    "verification code and a QR code of it; takes the receipt.",
    "Certificate.revokedAt": "When a restore took the closure back; null while it stands.",
    "CertificateVerification": "What the operator's records say of a verification code.",
    "CertificateVerification.valid": "True for a certificate that stands; false for an "
    "unknown code (every other field null) or a revoked one.",
    "CertificateVerification.kind": "CLOSURE or ERASURE.",
    "CertificateVerification.issuedAt": "When it was signed.",
    "CertificateVerification.completedAt": "When the account was closed.",
    "CertificateVerification.purgedAt": "When its personal data was erased; null before.",
    "CertificateVerification.revokedAt": "When a restore took the closure back.",
    "ConfirmClosureInput": "Confirm closure.",
    "ConfirmClosureInput.requestId": REQUEST_ID,
    "ConfirmClosureInput.acknowledgeIrreversible": "Must be true: the customer has seen the "
    "warnings.",
    "CancelClosureInput": "Cancel a closure request.",
    "CancelClosureInput.requestId": REQUEST_ID,
    "SendRestoreCodeInput": "Ask for a restore code.",
    "SendRestoreCodeInput.phone": PHONE,
    "SendRestoreCodeInput.captchaId": CAPTCHA_ID,
    "SendRestoreCodeInput.captchaAnswer": CAPTCHA_ANSWER,
    "RestoreAccountInput": "Restore a closed account.",
    "RestoreAccountInput.phone": PHONE,
    "RestoreAccountInput.code": SMS_CODE,
    "RestoreAccountInput.deviceName": DEVICE,
}


def undescribed(schema: GraphQLSchema) -> list[str]:
    """The key of every type, field, argument, enum value and input field with no description."""
    return [key for key, item in items(schema) if not item.description]


def document(schema: GraphQLSchema, entries: dict[str, str] | None = None) -> None:
    """Fills `entries` (the apps' DOCS unless given) into what its definition left
    undescribed."""
    entries = DOCS if entries is None else entries
    for key, item in items(schema):
        if not item.description and key in entries:
            item.description = entries[key]


Described = (
    GraphQLNamedType | GraphQLField | GraphQLInputField | GraphQLArgument | (GraphQLEnumValue)
)


def items(schema: GraphQLSchema) -> Iterator[tuple[str, Described]]:
    for name, kind in schema.type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Boolean", "ID", "Float"):
            continue
        yield name, kind
        if isinstance(kind, GraphQLObjectType | GraphQLInputObjectType):
            for field_name, field in kind.fields.items():
                yield f"{name}.{field_name}", field
                for arg_name, arg in getattr(field, "args", {}).items():
                    yield f"{name}.{field_name}({arg_name})", arg
        if isinstance(kind, GraphQLEnumType):
            for value_name, value in kind.values.items():
                yield f"{name}.{value_name}", value
