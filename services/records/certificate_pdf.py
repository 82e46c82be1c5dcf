"""A certificate as a one-page PDF, in Chinese and English, to print or send: what its JWS
states, in words, with the verification code and a QR code of it.

The font (a subset of WenQuanYi Micro Hei, Apache-2.0, in assets/) is embedded with its
Unicode map, so the text can be copied and searched."""

import io
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jwt

from models import Certificate, CertificateKind
from services import currency

FONT = Path(__file__).parent / "assets" / "wqy-microhei-gb2312.ttf"
CUSTOMER_TIME = ZoneInfo("Asia/Shanghai")
LABEL_WIDTH = 62  # mm
TITLES = {
    CertificateKind.CLOSURE: ("注销证明", "Closure certificate"),
    CertificateKind.ERASURE: ("个人信息删除证明", "Certificate of erasure"),
}
ERASED = {
    "phone": "手机号 phone number",
    "name": "姓名 name",
    "password_hash": "密码哈希 password hash",
    "card_numbers": "银行卡号 card numbers",
    "device_names": "设备名称 device names",
    "payees": "收款人信息 payees",
}
KEPT = {
    "pseudonymised_ledger": "去标识化的账务记录 pseudonymised ledger",
    "audit_chain_without_personal_data": "不含个人信息的审计链 audit chain without personal data",
}


def _when(text: str | None) -> str:
    if not text:
        return "—"
    return (
        datetime.fromisoformat(text).astimezone(CUSTOMER_TIME).strftime("%Y-%m-%d %H:%M:%S (UTC+8)")
    )


def _until(text: str | None) -> str:
    return f"至 until {_when(text)[:10]}" if text else "长期保留 kept for good"


def _rows(claims: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [
        ("签发方 Issuer", claims["iss"]),
        ("证书编号 Certificate id", claims["jti"]),
        ("账户代号 Account reference", claims["sub"]),
        ("注销申请 Closure request", claims["request_id"]),
        ("申请时间 Requested", _when(claims.get("requested_at"))),
        ("确认时间 Confirmed", _when(claims.get("confirmed_at"))),
        ("注销完成 Closed", _when(claims.get("completed_at"))),
        ("可恢复至 Restorable until", _when(claims.get("recoverable_until"))),
    ]
    if claims["kind"] == CertificateKind.CLOSURE:
        balance = claims["balance_at_closure"]
        rows += [
            ("注销时余额 Balance at closure", currency.display(balance["fen"])),
            ("解绑银行卡 Cards unbound", str(claims["cards_unbound"])),
            ("终止的代扣协议 Agreements ended", str(claims["agreements_ended"])),
        ]
    else:
        rows += [
            ("删除时间 Erased", _when(claims.get("purged_at"))),
            ("已删除 Erased", "；".join(ERASED.get(e, e) for e in claims["erased"])),
        ]
        rows += [
            ("保留 Kept", f"{KEPT.get(k['what'], k['what'])}；{_until(k['until'])}；{k['why']}")
            for k in claims["kept"]
        ]
        rows.append(
            (
                "法律保全推迟 Legal hold delayed it",
                "是 yes" if claims["legal_hold_delayed"] else "否 no",
            )
        )
    return rows


def render(certificate: Certificate) -> bytes:
    import segno  # imported here: every command would otherwise load fpdf when it starts
    from fpdf import FPDF

    claims = jwt.decode(certificate.jws, options={"verify_signature": False})
    zh, en = TITLES[CertificateKind(claims["kind"])]
    pdf = FPDF(format="A4")
    pdf.set_title(f"{zh} {en}")
    pdf.set_author(claims["iss"])
    pdf.add_page()
    pdf.add_font("wqy", fname=str(FONT))
    pdf.set_font("wqy", size=22)
    pdf.cell(0, 12, zh, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("wqy", size=14)
    pdf.cell(0, 8, en, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("wqy", size=10)
    for label, value in _rows(claims):
        top = pdf.get_y()
        pdf.multi_cell(LABEL_WIDTH, 6, label, align="L", new_x="LMARGIN", new_y="NEXT")
        below_label = pdf.get_y()
        pdf.set_xy(pdf.l_margin + LABEL_WIDTH, top)
        pdf.multi_cell(0, 6, value, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(below_label, pdf.get_y()) + 1)
    pdf.ln(4)
    pdf.set_font("wqy", size=12)
    pdf.cell(
        0,
        8,
        f"验证码 Verification code: {claims['verification_code']}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    qr = io.BytesIO()
    segno.make(claims["verification_code"], error="m").save(qr, kind="png", scale=6, border=2)
    pdf.image(qr, x=pdf.l_margin, w=35)
    pdf.set_font("wqy", size=8)
    pdf.multi_cell(
        0,
        4.5,
        (
            f"签名密钥 Signing key (kid): {certificate.key_id}\n"
            "核验 To verify: verifyClosureCertificate(code) 查询验证码；或以 "
            "/.well-known/closure-certificate-keys.json 中的公钥离线核验证书 JWS (EdDSA)。\n"
            "Check the code with verifyClosureCertificate, or the certificate's JWS offline "
            "against the public keys at /.well-known/closure-certificate-keys.json."
        ),
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
