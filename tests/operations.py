"""The mobile contract's documents, exactly as the apps send them (a copy of
../shared/contract that tests/test_project.py keeps equal to the original)."""

from pathlib import Path

from schema.documents import operations_of

CONTRACTS = Path(__file__).resolve().parent / "contract"


def _load(name: str = "mobile-operations.graphql") -> dict[str, str]:
    return operations_of((CONTRACTS / name).read_text())


OPERATIONS = _load()
STAFF_OPERATIONS = _load("staff-operations.graphql")
CREATE_CAPTCHA = OPERATIONS["CreateCaptcha"]
SEND_LOGIN_CODE = OPERATIONS["SendLoginCode"]
LOGIN_WITH_CODE = OPERATIONS["LoginWithCode"]
LOGIN_WITH_PASSWORD = OPERATIONS["LoginWithPassword"]
LOGOUT = OPERATIONS["Logout"]
LOGOUT_ALL_DEVICES = OPERATIONS["LogoutAllDevices"]
ME = OPERATIONS["Me"]
SECURITY_LOG = OPERATIONS["SecurityLog"]
CLOSURE_ELIGIBILITY = OPERATIONS["ClosureEligibility"]
START_CLOSURE = OPERATIONS["StartClosure"]
SEND_CLOSURE_CODE = OPERATIONS["SendClosureCode"]
VERIFY_CLOSURE_IDENTITY = OPERATIONS["VerifyClosureIdentity"]
CONFIRM_CLOSURE = OPERATIONS["ConfirmClosure"]
CANCEL_CLOSURE = OPERATIONS["CancelClosure"]
CLOSURE_REQUEST = OPERATIONS["ClosureRequest"]
SEND_RESTORE_CODE = OPERATIONS["SendRestoreCode"]
RESTORE_ACCOUNT = OPERATIONS["RestoreAccount"]
WITHDRAW_BALANCE = OPERATIONS["WithdrawBalance"]
REQUEST_DATA_EXPORT = OPERATIONS["RequestDataExport"]
DATA_EXPORT = OPERATIONS["DataExport"]
SECURITY_LOG_PAGE = OPERATIONS["SecurityLogPage"]
TRANSACTIONS = OPERATIONS["Transactions"]
BALANCE_DETAIL = OPERATIONS["BalanceDetail"]
CONFIRM_CLOSURE_WITH_RECEIPT = OPERATIONS["ConfirmClosureWithReceipt"]
CLOSURE_STATUS = OPERATIONS["ClosureStatus"]
VERIFY_CLOSURE_CERTIFICATE = OPERATIONS["VerifyClosureCertificate"]
