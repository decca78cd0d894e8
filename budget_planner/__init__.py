"""budget_planner: collect, validate and consolidate 知识产权项目需求征集表 and 项目支出预算明细表."""

__version__ = "0.1.0"
