"""The invite QR picture: decodes back to the link whatever the text under it; sharp modules."""

from __future__ import annotations

import io

import pytest
import segno
import zxingcpp
from PIL import Image

from bot.render.charts import png_size
from bot.render.qr import WIDTH_PX, invite_qr_png, qr_matrix

LINK = "https://t.me/qingfu_bot?start=AbCdEfGhIjKlMnOp"


def read(png: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        ("北京市海淀区实验小学", ["家长：3年级1班", "有效期至2026年12月31日"]),
        ("МБОУ СОШ № 5", ["Родитель: 5Б", "до 31 дек. 2026 г."]),
        ("No. 1 Primary School", ["Teacher: " + ", ".join(f"{n}A Maths" for n in range(1, 40))]),
    ],
)
def test_the_picture_decodes_to_the_link(title: str, lines: list[str]) -> None:
    png = invite_qr_png(LINK, title, lines)
    assert read(png) == [LINK]
    width, height = png_size(png)
    assert width == WIDTH_PX and height > WIDTH_PX  # the text under the code


def test_the_matrix_is_segnos_and_differs_by_link() -> None:
    assert qr_matrix(LINK) == [
        [bool(c) for c in row] for row in segno.make_qr(LINK, error="m", boost_error=True).matrix
    ]
    assert qr_matrix(LINK) != qr_matrix(LINK + "x")
    assert read(invite_qr_png(LINK + "x", "A", [])) == [LINK + "x"]
