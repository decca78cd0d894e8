"""Reading cost of one upload: the container gate and extraction against python-calamine alone.

    .venv/bin/python benchmarks/bench_extract.py [RUNS]

For 表四-shaped workbooks of 50, 2,000 and 100,000 rows (ten columns of Chinese text and amounts,
merged 类型 cells, a SUM total): median times of
- calamine alone: open the bytes and ``to_python`` every sheet;
- the gate: ``check_container`` (sniff, zip checks, every part inflated and checked for DTDs);
- read_workbook: gate + sheet scan + calamine + grid building, in this process;
- parse_workbook: the same through the warm worker pool (adds pickling both ways).
"""

from __future__ import annotations

import io
import statistics
import sys
import time

import python_calamine as pc
import xlsxwriter

from budget_planner.validators.intake import worker
from budget_planner.validators.intake.extract import read_workbook
from budget_planner.validators.intake.gate import check_container

CATEGORIES = ["知识产权高质量创造", "强化知识产权保护", "知识产权高效能转化", "知识产权管理"]


def workbook(rows: int) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": rows > 10_000})
    ws = book.add_worksheet("表四")
    ws.write_string(0, 0, "2024年度知识产权项目需求征集表（四）")
    ws.write_string(1, 0, "填报单位：清远市市场监督管理局（知识产权局）")
    headers = [
        "序号",
        "类型",
        "主要工作内容",
        "拟设置项目",
        "金额",
        "项目设置必要性",
        "项目设置政策依据",
        "项目绩效",
        "备注",
        "联系人",
    ]
    for c, text in enumerate(headers):
        ws.write_string(2, c, text)
    block = max(rows // len(CATEGORIES), 1)
    for i in range(rows):
        r = 3 + i
        if i % block == 0 and rows <= 10_000 and block > 1 and i + block <= rows:
            ws.merge_range(r, 1, r + block - 1, 1, CATEGORIES[(i // block) % len(CATEGORIES)])
        elif rows > 10_000:
            ws.write_string(r, 1, CATEGORIES[i % len(CATEGORIES)])
        ws.write_number(r, 0, i + 1)
        ws.write_string(r, 2, f"开展第{i + 1}项知识产权工作，提升区域创新能力")
        ws.write_string(r, 3, f"第{i + 1}号知识产权项目")
        ws.write_number(r, 4, 10 + i % 7 * 2.5)
        ws.write_string(r, 5, "落实省局年度重点工作部署")
        ws.write_string(r, 6, "《知识产权强国建设纲要（2021—2035年）》")
        ws.write_string(r, 7, "完成年度目标")
        ws.write_string(r, 8, "")
        ws.write_string(r, 9, "张三")
    ws.write_string(3 + rows, 0, "合计")
    ws.write_formula(3 + rows, 4, f"=SUM(E4:E{3 + rows})")
    book.close()
    return buf.getvalue()


def calamine_alone(data: bytes) -> None:
    book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def median_ms(fn, runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(runs: int) -> None:
    print("rows     size   calamine     gate  read_workbook  parse_workbook (worker)")
    for rows in (50, 2_000, 100_000):
        data = workbook(rows)
        n = runs if rows < 10_000 else max(runs // 10, 3)
        cal = median_ms(lambda d=data: calamine_alone(d), n)
        gate = median_ms(lambda d=data: check_container(d, "表四.xlsx"), n)
        read = median_ms(lambda d=data: read_workbook(d, "表四.xlsx"), n)
        pool = median_ms(lambda d=data: worker.parse_workbook(d, "表四.xlsx", timeout=120), n)
        print(
            f"{rows:>7} {len(data) / 1024:>6.0f}KB {cal:>8.1f}ms {gate:>6.1f}ms {read:>10.1f}ms "
            f"({read / cal:.1f}×) {pool:>10.1f}ms ({pool / cal:.1f}×)"
        )
    worker.shutdown()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
