"""What the generated tables say: long Chinese text, project names and amounts, reproducibly.

The sentences are the kind that fill 主要工作内容, 项目设置必要性 and 项目设置政策依据 in real
submissions (seed 002): long, full of document titles in 《》, sometimes with a line break, a doubled
space or a non-breaking space where staff pasted from Word. Everything comes from one seeded
``random.Random`` so a file is the same on every machine.
"""

from __future__ import annotations

import random
from decimal import Decimal

DOCUMENTS = (
    "《广东省知识产权保护和运用“十四五”规划》",
    "《知识产权强国建设纲要（2021—2035年）》",
    "《“十四五”国家知识产权保护和运用规划》",
    "《广东省人民政府 国家知识产权局关于印发<共建国际一流湾区知识产权强省实施方案>的通知》",
    "《关于强化知识产权保护的意见》",
    "《专利转化运用专项行动方案（2023—2025年）》",
    "《广东省市场监督管理局（知识产权局）2024年工作要点》",
    "《地理标志保护和运用“十四五”规划》",
    "《知识产权公共服务“十四五”规划》",
    "《广东省知识产权保护条例》",
)
CLAUSES = (
    "深入实施知识产权强省战略，推动知识产权创造、运用、保护、管理和服务全链条协同发展",
    "围绕战略性新兴产业集群和重点产业链开展专利导航，精准支撑地方产业规划和招商引资决策",
    "培育一批拥有高价值专利组合的优势示范企业，提升企业知识产权综合管理能力和国际竞争力",
    "健全行政执法、司法审判、仲裁调解、行业自律、社会监督协调运作的知识产权大保护格局",
    "推进知识产权纠纷多元化解，建立人民调解、行政调解与司法确认有机衔接的工作机制",
    "加快建设重点园区知识产权综合运营中心，促进高校院所专利向中小企业转移转化",
    "扩大知识产权质押融资覆盖面，推动银行、保险、担保和评估机构形成风险分担机制",
    "加强地理标志产品培育和专用标志使用管理，带动特色产业提质增效和乡村振兴",
    "完善知识产权公共服务体系，推动技术与创新支持中心、信息服务网点向县域延伸",
    "开展知识产权人才培训和实务研修，壮大知识产权专员、代理师和运营人才队伍",
    "利用全国知识产权宣传周、中国专利周等活动，营造尊重知识、崇尚创新的社会氛围",
    "加强海外知识产权纠纷应对指导，帮助出海企业防范和化解知识产权风险",
    "强化展会、电商平台知识产权保护，规范市场主体的知识产权经营行为",
    "落实知识产权信用分级分类监管，对失信主体实施联合惩戒并公开典型案例",
    "提升行政裁决效能，缩短专利侵权纠纷案件办理周期，降低权利人维权成本",
    "推动商标品牌培育指导站规范化建设，服务区域品牌和老字号企业发展",
)
TOPICS = (
    "专利导航服务",
    "高价值专利培育",
    "知识产权快速维权",
    "知识产权纠纷调解",
    "知识产权质押融资贴息",
    "专利转化实施",
    "地理标志产品保护",
    "商标品牌培育",
    "知识产权人才培训",
    "知识产权宣传周活动",
    "海外知识产权纠纷应对",
    "知识产权信息公共服务",
    "知识产权贯标认证",
    "知识产权保险推广",
    "中小企业知识产权托管",
)
OUTCOMES = (
    "完成年度目标任务，形成工作总结报告1份",
    "培育优势示范企业不少于5家，新增发明专利授权不少于50件",
    "调解知识产权纠纷案件不少于30宗，调解成功率达到60%以上",
    "举办培训班2期，培训人员不少于200人次，学员满意度达到90%以上",
    "实现专利转化许可不少于20件，带动企业新增产值不少于5000万元",
    "发布专利导航报告1份，为不少于3个重点产业提供决策参考",
)
REMARKS = ("", "", "", "已纳入市政府年度重点工作", "需省局统筹指导", "跨年度实施", "")
# amounts typed as text the way staff type them: a unit, a thousands separator, full-width digits
TEXT_AMOUNTS = ("{n}万元", "{n} 万元", "{w}", "{n}.00")
FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


class Content:
    """A reproducible source of cell contents."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def _clauses(self, n: int) -> str:
        return "，".join(self.rng.choice(CLAUSES) for _ in range(n))

    def work(self, topic: str) -> str:
        return f"围绕{topic}，{self._clauses(self.rng.randint(1, 2))}。"

    def necessity(self, topic: str) -> str:
        """A long 必要性 (150–400 characters), with the odd pasted-in space or line break."""
        doc = self.rng.choice(DOCUMENTS)
        text = f"{doc}明确要求{self._clauses(self.rng.randint(2, 4))}。开展{topic}工作，{self._clauses(self.rng.randint(1, 3))}，是落实上级部署、服务地方经济高质量发展的重要举措。"
        roll = self.rng.random()
        if roll < 0.05:
            text = text.replace("。", "。\n", 1)
        elif roll < 0.08:
            text = text.replace("，", "，  ", 1)
        elif roll < 0.10:
            text = text.replace("，", "\u00a0", 1)
        return text

    def policy(self) -> str:
        docs = self.rng.sample(DOCUMENTS, self.rng.randint(1, 3))
        return "".join(docs) + ("相关要求" if self.rng.random() < 0.3 else "")

    def outcome(self) -> str:
        return self.rng.choice(OUTCOMES)

    def remark(self) -> str:
        return self.rng.choice(REMARKS)

    def topic(self) -> str:
        return self.rng.choice(TOPICS)

    def amount(self) -> Decimal:
        """An amount in 万元: mostly whole or half, some with two decimals."""
        roll = self.rng.random()
        whole = self.rng.randint(2, 120)
        if roll < 0.6:
            return Decimal(whole)
        if roll < 0.9:
            return Decimal(whole) + Decimal("0.5")
        return Decimal(whole) + Decimal(self.rng.randint(1, 99)) / 100

    def amount_text(self, value: Decimal) -> str:
        """``value`` typed as text (50万元, ５０, 50.00)."""
        n = format(value.normalize(), "f")
        shapes = TEXT_AMOUNTS if "." not in n else TEXT_AMOUNTS[:3]
        return self.rng.choice(shapes).format(n=n, w=n.translate(FULLWIDTH))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def between(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def pick(self, seq):
        return self.rng.choice(seq)
