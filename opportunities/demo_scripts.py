"""What the demo opportunities (demo.py) are made of: the catalogue, the projects and the
script each opportunity follows.

A script is a list of steps, run a few days apart through the services:
- `needs`, `proposal`, `negotiation`, `back:<stage>`: a move (competitors are recorded before
  方案报价, the custom checklist item ticked before 商务谈判);
- `skip:<stage>`: a skip request the manager approves, then the move; `skip_pending:<stage>`:
  a request left waiting;
- `q:draft` (or `q:draft-discount`, a line beyond the discount limit): a new quote version
  with fresh lines; `q:submit`, `q:approve`, `q:reject`, `q:director-approve`,
  `q:director-reject`, `q:send`, `q:accept`, `q:decline`;
- `extend`: an extension request left waiting; `extend_approved`: one the manager approved;
- `won`, `lost:<reason>`, `reopen:<stage>` (by the manager).
`tail` is how many days ago (a range) the last step happened.
"""

# code, name, category, unit, list price, unit cost (yuan, tax included), VAT rate
PRODUCTS = [
    ("CRM-STD", "销售管理系统 标准版", "软件", "套", "68000.00", "12000.00", "13"),
    ("CRM-ENT", "销售管理系统 企业版", "软件", "套", "158000.00", "30000.00", "13"),
    ("MES-BASE", "制造执行系统 基础模块", "软件", "套", "126000.00", "38000.00", "13"),
    ("WMS-BASE", "仓储管理系统", "软件", "套", "88000.00", "21000.00", "13"),
    ("BI-BOARD", "经营分析看板", "软件", "套", "45000.00", "8000.00", "13"),
    ("MOB-USER", "移动端用户许可", "许可", "用户/年", "1200.00", "150.00", "6"),
    ("SRV-MAINT", "年度运维服务", "服务", "年", "36000.00", "15000.00", "6"),
    ("SRV-TRAIN", "上门培训", "服务", "次", "8000.00", "3000.00", "6"),
    ("HW-PDA", "工业手持终端", "硬件", "台", "4600.00", "3100.00", "13"),
    ("HW-SERVER", "应用服务器", "硬件", "台", "52000.00", "41000.00", "13"),
]

PROJECTS = [
    "销售管理系统升级", "门店数字化改造", "生产执行系统一期", "仓储管理项目", "经营分析平台",
    "移动外勤项目", "客户服务平台", "供应链协同项目", "质量追溯系统", "设备联网项目",
    "财务共享中心", "采购管理系统", "数据中台建设", "渠道管理平台", "订单管理系统",
    "产线自动化改造", "会员营销系统", "冷链监控项目", "能耗管理平台", "实验室信息系统",
    "二期扩容项目", "全国推广项目", "备件管理系统", "售后服务平台", "智能排产项目",
    "电子签约平台", "仓配一体化", "集团报表系统", "条码追溯项目", "工厂可视化大屏",
    "年度运维续约", "销售团队扩容", "新工厂信息化", "电商对接项目", "人力资源系统",
    "合同管理系统", "经销商门户", "安全生产平台", "预算管理系统", "物流跟踪平台",
]  # fmt: skip

_QUOTE_APPROVED = ["q:draft", "q:submit", "q:approve"]
_TO_PROPOSAL = ["needs", "proposal"]
_TO_NEGOTIATION = [*_TO_PROPOSAL, *_QUOTE_APPROVED, "negotiation"]

SCRIPTS = [
    # 初步接触 (7): one skip request waiting, one lost and reopened by the manager.
    {"steps": []},
    {"steps": []},
    {"steps": []},
    {"steps": ["skip_pending:proposal"], "tail": (0.5, 2)},
    {"steps": []},
    {"steps": []},
    {"steps": ["lost:时机", "reopen:initial"]},
    # 需求确认 (7): one with a draft already, one moved back from 方案报价.
    {"steps": ["needs"]},
    {"steps": ["needs"]},
    {"steps": ["needs", "q:draft"]},
    {"steps": [*_TO_PROPOSAL, "back:needs"]},
    {"steps": ["needs"]},
    {"steps": ["needs"]},
    {"steps": ["needs"]},
    # 方案报价 (8): a solution overdue, an extension waiting, quotes in draft, in review,
    # with the director, rejected then revised, approved (after an approved skip), and a
    # discount the director refused before v2 was approved.
    {"steps": _TO_PROPOSAL, "tail": (12, 20)},
    {"steps": [*_TO_PROPOSAL, "extend"], "tail": (0.2, 1)},
    {"steps": [*_TO_PROPOSAL, "q:draft"]},
    {"steps": [*_TO_PROPOSAL, "q:draft", "q:submit"], "tail": (0.2, 2)},
    {"steps": [*_TO_PROPOSAL, "q:draft-discount", "q:submit", "q:approve"], "tail": (0.2, 2)},
    {"steps": [*_TO_PROPOSAL, "q:draft", "q:submit", "q:reject", "q:draft", "q:submit"]},
    {"steps": ["skip:proposal", *_QUOTE_APPROVED]},
    {
        "steps": [
            *_TO_PROPOSAL,
            "extend_approved",
            "q:draft-discount",
            "q:submit",
            "q:approve",
            "q:director-reject",
            "q:draft",
            "q:submit",
            "q:approve",
        ]
    },
    # 商务谈判 (7): approved, sent, declined then v2 sent, three versions, a discount the
    # director approved, a new draft after the negotiation started.
    {"steps": _TO_NEGOTIATION},
    {"steps": [*_TO_NEGOTIATION, "q:send"]},
    {"steps": [*_TO_NEGOTIATION, "q:send", "q:decline", *_QUOTE_APPROVED, "q:send"]},
    {"steps": [*_TO_PROPOSAL, *_QUOTE_APPROVED * 3, "negotiation", "q:send"]},
    {
        "steps": [
            *_TO_PROPOSAL,
            "q:draft-discount",
            "q:submit",
            "q:approve",
            "q:director-approve",
            "negotiation",
            "q:send",
        ]
    },
    {"steps": [*_TO_NEGOTIATION, "q:draft"]},
    {"steps": _TO_NEGOTIATION},
    # 赢单 (6): accepted quotes, after a declined version, a director's discount, three
    # versions.
    {"steps": [*_TO_NEGOTIATION, "q:send", "q:accept", "won"], "tail": (30, 90)},
    {
        "steps": [
            *_TO_NEGOTIATION,
            "q:send",
            "q:decline",
            *_QUOTE_APPROVED,
            "q:send",
            "q:accept",
            "won",
        ]
    },
    {
        "steps": [
            *_TO_PROPOSAL,
            "q:draft-discount",
            "q:submit",
            "q:approve",
            "q:director-approve",
            "negotiation",
            "q:send",
            "q:accept",
            "won",
        ]
    },
    {"steps": [*_TO_NEGOTIATION, "q:send", "q:accept", "won"]},
    {"steps": [*_TO_NEGOTIATION, "q:send", "q:accept", "won"], "tail": (40, 120)},
    {
        "steps": [
            *_TO_PROPOSAL,
            "q:draft",
            "q:submit",
            "q:reject",
            *_QUOTE_APPROVED * 2,
            "negotiation",
            "q:send",
            "q:accept",
            "won",
        ]
    },
    # 输单 (5): no budget, bad timing, price (a declined quote), a competitor, product fit.
    {"steps": ["lost:无预算"], "tail": (20, 60)},
    {"steps": ["needs", "lost:时机"]},
    {"steps": [*_TO_NEGOTIATION, "q:send", "q:decline", "lost:价格"]},
    {"steps": [*_TO_PROPOSAL, "lost:竞争对手"], "tail": (10, 50)},
    {"steps": [*_TO_NEGOTIATION, "lost:产品匹配度"]},
]
