"""Bilingual demo content shared by ``seed_demo`` and ``seed_bench`` (data only, no logic).

Everything here is fictional: companies use ``example.cn`` / ``example.com`` domains and mobile
numbers in the 170-range reserved for virtual operators.
"""

from __future__ import annotations

from typing import NamedTuple

DEMO_PASSWORD = "gongdan-demo"


class TeamSpec(NamedTuple):
    code: str
    name: str
    kind: str
    description: str


TEAMS = [
    TeamSpec(
        "it-ops", "IT 运维 IT Operations", "function", "桌面、网络、邮箱与账号 Desktop, network"
    ),
    TeamSpec(
        "erp", "ERP 支持 ERP Support", "function", "SAP / 用友 ERP 与业务系统 Business systems"
    ),
    TeamSpec(
        "field", "售后维修 Field Service", "function", "设备上门维修 On-site equipment repair"
    ),
    TeamSpec("care", "客户关怀 Customer Care", "function", "投诉与回访 Complaints and follow-up"),
    TeamSpec("east", "华东服务台 East China Desk", "region", "上海、苏州、杭州 Shanghai region"),
    TeamSpec("south", "华南服务台 South China Desk", "region", "深圳、广州 Shenzhen region"),
    TeamSpec("north", "华北服务台 North China Desk", "region", "北京、天津 Beijing region"),
]


class TypeSpec(NamedTuple):
    code: str
    name: str
    name_en: str
    team: str
    is_onsite: bool
    description: str


TICKET_TYPES = [
    TypeSpec("incident", "故障", "Incident", "it-ops", False, "服务中断或质量下降 Something broke"),
    TypeSpec(
        "request",
        "服务请求",
        "Service request",
        "it-ops",
        False,
        "账号、权限、软件安装 Accounts, access, installs",
    ),
    TypeSpec("complaint", "投诉", "Complaint", "care", False, "对服务不满意 Unhappy with service"),
    TypeSpec(
        "repair",
        "现场维修",
        "Field repair",
        "field",
        True,
        "工程师上门维修设备 An engineer repairs equipment on site",
    ),
]

# (code, name, English name, ticket type or "", children)
CATEGORY_TREE: list[tuple[str, str, str, str, list[tuple[str, str, str]]]] = [
    (
        "hardware",
        "硬件",
        "Hardware",
        "",
        [
            ("printer", "打印机", "Printer"),
            ("pc", "电脑", "Desktop & laptop"),
            ("monitor", "显示器", "Monitor"),
        ],
    ),
    (
        "network",
        "网络",
        "Network",
        "",
        [
            ("vpn", "VPN", "VPN"),
            ("wifi", "无线网络", "Wi-Fi"),
            ("lan", "有线网络", "Wired network"),
        ],
    ),
    (
        "software",
        "软件",
        "Software",
        "",
        [
            ("erp", "ERP 系统", "ERP (SAP / Yonyou)"),
            ("email", "邮箱", "Email"),
            ("office", "办公软件", "Office apps"),
        ],
    ),
    (
        "access",
        "账号与权限",
        "Accounts & access",
        "",
        [
            ("password", "密码重置", "Password reset"),
            ("permission", "权限申请", "Access request"),
        ],
    ),
    (
        "equipment",
        "设备维修",
        "Equipment repair",
        "repair",
        [
            ("hvac", "空调", "Air conditioning"),
            ("copier", "复印机", "Copier"),
            ("machine", "生产设备", "Production equipment"),
            ("ups", "UPS 电源", "UPS"),
        ],
    ),
    (
        "service",
        "服务投诉",
        "Service complaints",
        "complaint",
        [
            ("slow", "响应慢", "Slow response"),
            ("attitude", "服务态度", "Staff attitude"),
            ("quality", "维修质量", "Repair quality"),
            ("billing", "费用争议", "Billing dispute"),
        ],
    ),
]


class OrgSpec(NamedTuple):
    code: str
    name: str
    domain: str
    phone: str
    address: str
    region: str  # team code of the regional desk
    english: bool


ORGANIZATIONS = [
    OrgSpec(
        "huaxin",
        "上海华信精密制造有限公司",
        "huaxin-mfg.example.cn",
        "021-5770 1234",
        "上海市松江区新桥镇明华路 88 号",
        "east",
        False,
    ),
    OrgSpec(
        "xinlan",
        "深圳新澜科技有限公司",
        "xinlan-tech.example.cn",
        "0755-8621 5678",
        "深圳市南山区科技园南区 12 栋",
        "south",
        False,
    ),
    OrgSpec(
        "jingbei",
        "北京京北物流有限公司",
        "jingbei-logistics.example.cn",
        "010-6945 2233",
        "北京市顺义区空港物流园 3 号库",
        "north",
        False,
    ),
    OrgSpec(
        "yunshan",
        "杭州云杉连锁超市有限公司",
        "yunshan-retail.example.cn",
        "0571-8810 6677",
        "杭州市西湖区文三路 259 号",
        "east",
        False,
    ),
    OrgSpec(
        "northwind",
        "Northwind Trading (Shanghai) Co., Ltd. 北风贸易",
        "northwind.example.com",
        "021-6288 9000",
        "Room 1801, 1000 Lujiazui Ring Rd, Pudong, Shanghai",
        "east",
        True,
    ),
    OrgSpec(
        "contoso",
        "Contoso Medical Devices (Suzhou) 康索医疗",
        "contoso-med.example.com",
        "0512-6255 7000",
        "28 Xinghu St, Suzhou Industrial Park",
        "east",
        True,
    ),
]

CHINESE_PEOPLE = [
    ("陈晓明", "chen.xm"),
    ("刘芳", "liu.fang"),
    ("王建国", "wang.jg"),
    ("赵丽", "zhao.li"),
    ("孙伟", "sun.wei"),
    ("周婷", "zhou.ting"),
    ("吴磊", "wu.lei"),
    ("郑洁", "zheng.jie"),
    ("黄志强", "huang.zq"),
    ("徐静", "xu.jing"),
    ("马超", "ma.chao"),
    ("胡敏", "hu.min"),
    ("高峰", "gao.feng"),
    ("林雪", "lin.xue"),
    ("何勇", "he.yong"),
    ("罗佳", "luo.jia"),
]
ENGLISH_PEOPLE = [
    ("Emily Carter", "emily.carter"),
    ("James Miller", "james.miller"),
    ("Sophie Wang 王素菲", "sophie.wang"),
    ("David Chen 陈大卫", "david.chen"),
    ("Anna Schmidt", "anna.schmidt"),
    ("Lucas Martin", "lucas.martin"),
    ("Olivia Brown", "olivia.brown"),
    ("Kenji Sato", "kenji.sato"),
]


class StaffSpec(NamedTuple):
    username: str
    display_name: str
    role: str
    teams: tuple[str, ...]
    location: str
    skills: tuple[str, ...]


STAFF = [
    StaffSpec("admin", "系统管理员 Admin", "admin", (), "上海 Shanghai", ()),
    StaffSpec("supervisor", "周敏 Zhou Min", "supervisor", ("care",), "上海 Shanghai", ()),
    StaffSpec(
        "wangwei",
        "王伟 Wang Wei",
        "agent",
        ("it-ops", "east"),
        "上海 Shanghai",
        ("printer", "network", "vpn"),
    ),
    StaffSpec("lina", "李娜 Li Na", "agent", ("it-ops", "erp"), "上海 Shanghai", ("erp", "email")),
    StaffSpec(
        "sunli", "孙丽 Sun Li", "agent", ("it-ops", "south"), "深圳 Shenzhen", ("vpn", "network")
    ),
    StaffSpec("zhaolei", "赵磊 Zhao Lei", "agent", ("erp", "north"), "北京 Beijing", ("erp",)),
    StaffSpec(
        "zhangqiang",
        "张强 Zhang Qiang",
        "agent",
        ("field", "south"),
        "深圳 Shenzhen",
        ("hvac", "machine"),
    ),
    StaffSpec(
        "liuyang", "刘洋 Liu Yang", "agent", ("field", "north"), "北京 Beijing", ("copier", "ups")
    ),
    StaffSpec(
        "huangtao",
        "黄涛 Huang Tao",
        "agent",
        ("field", "east"),
        "苏州 Suzhou",
        ("machine", "hvac", "printer"),
    ),
    StaffSpec("chenjing", "陈静 Chen Jing", "agent", ("care", "east"), "上海 Shanghai", ()),
]

SKILLS = [
    ("printer", "打印机维修", "Printer repair"),
    ("network", "网络", "Networking"),
    ("vpn", "VPN", "VPN"),
    ("erp", "ERP / SAP", "ERP / SAP"),
    ("email", "邮件系统", "Email"),
    ("hvac", "暖通空调", "HVAC"),
    ("machine", "生产设备", "Production machinery"),
    ("copier", "复印机", "Copiers"),
    ("ups", "UPS 电源", "UPS power"),
]


class Template(NamedTuple):
    ticket_type: str
    category: str
    title: str
    description: str
    english: bool


TEMPLATES = [
    # --- incidents ---
    Template(
        "incident",
        "printer",
        "{floor} 楼财务部打印机卡纸，无法打印",
        "财务部的 {model} 打印机一直卡纸，打印任务在队列里排着，重启后仍然无法打印。"
        "今天下午要打印报销单据，比较着急。",
        False,
    ),
    Template(
        "incident",
        "printer",
        "打印机显示脱机，全部门无法打印",
        "{room} 会议室旁边的共享打印机显示“脱机”，所有人都打印不了。已检查网线，指示灯正常。",
        False,
    ),
    Template(
        "incident",
        "printer",
        "Printer on floor {floor} shows 'offline'",
        "The {model} printer next to room {room} shows offline for everyone on the floor. "
        "Power-cycling it did not help.",
        True,
    ),
    Template(
        "incident",
        "vpn",
        "VPN 连接频繁断开（错误 809）",
        "在家办公用 VPN 连接公司内网，每隔十几分钟就断开一次，错误代码 809。换了家里的网络也一样。",
        False,
    ),
    Template(
        "incident",
        "vpn",
        "Cannot connect to VPN from {city}",
        "I'm travelling in {city}; the VPN client hangs at 'authenticating' and then fails "
        "with error 691. Colleagues in the office can connect.",
        True,
    ),
    Template(
        "incident",
        "wifi",
        "{room} 会议室 Wi-Fi 信号差，视频会议卡顿",
        "{floor} 楼 {room} 会议室无线信号只有一格，腾讯会议经常卡顿掉线，下午有客户来访。",
        False,
    ),
    Template(
        "incident",
        "lan",
        "{floor} 楼工位网口无法上网",
        "新搬到 {floor} 楼的工位，网线插上后显示“未识别的网络”，换了网线也不行。",
        False,
    ),
    Template(
        "incident",
        "email",
        "Outlook 无法收发邮件",
        "从今天上午开始 Outlook 一直提示“正在尝试连接”，网页版邮箱可以正常使用。",
        False,
    ),
    Template(
        "incident",
        "email",
        "Emails to external domains bounce",
        "Since this morning every email I send to customers bounces with '550 5.7.1 "
        "relaying denied'. Internal mail works.",
        True,
    ),
    Template(
        "incident",
        "erp",
        "用友 ERP 登录报错“加密狗未找到”",
        "仓库电脑登录用友 U8 时提示找不到加密狗，月底结账前必须处理。",
        False,
    ),
    Template(
        "incident",
        "erp",
        "SAP 过账失败，提示记账期间已关闭",
        "采购收货 MIGO 过账时报错：记账期间 {n} 未开放。请财务或 IT 协助打开期间。",
        False,
    ),
    Template(
        "incident",
        "erp",
        "SAP transaction MIGO hangs on goods receipt",
        "Posting a goods receipt in MIGO hangs for several minutes and then times out. "
        "Warehouse in {city} is blocked.",
        True,
    ),
    Template(
        "incident",
        "pc",
        "笔记本开机蓝屏，提示 INACCESSIBLE_BOOT_DEVICE",
        "昨晚系统自动更新后，笔记本（{model}）开机就蓝屏，无法进入系统，里面有重要文件。",
        False,
    ),
    Template(
        "incident",
        "pc",
        "Laptop won't boot after Windows update",
        "My {model} laptop restarts in a loop after last night's update. I have a customer "
        "presentation at 3 pm.",
        True,
    ),
    # --- service requests ---
    Template(
        "request",
        "password",
        "申请重置域账号密码",
        "休假回来后域账号被锁定，无法登录电脑和邮箱，请帮忙解锁并重置密码。",
        False,
    ),
    Template(
        "request",
        "password",
        "Password reset for new hire",
        "Our new colleague starts on Monday and has not received the initial password for "
        "her domain account.",
        True,
    ),
    Template(
        "request",
        "permission",
        "申请开通销售共享盘访问权限",
        "因工作调整调入销售部，需要开通 \\\\fs01\\sales 共享目录的读写权限。部门经理已同意。",
        False,
    ),
    Template(
        "request",
        "permission",
        "Access to the sales dashboard in BI",
        "Please grant read access to the 'Sales East' dashboard; approved by my manager.",
        True,
    ),
    Template(
        "request",
        "office",
        "新员工电脑安装办公软件",
        "新员工下周一入职，请在电脑上安装 WPS、钉钉、企业微信和 VPN 客户端。",
        False,
    ),
    Template(
        "request",
        "office",
        "Install Visio on my laptop",
        "I need Microsoft Visio for process diagrams; the licence was approved last week.",
        True,
    ),
    Template(
        "request",
        "monitor",
        "申请增加一台显示器",
        "做报表需要双屏，申请为工位增配一台 24 寸显示器。",
        False,
    ),
    Template(
        "request",
        "erp",
        "ERP 新增物料编码申请",
        "新产品 {n} 系列需要在 SAP 中建立物料主数据，共 12 个编码，清单见附件。",
        False,
    ),
    # --- complaints ---
    Template(
        "complaint",
        "slow",
        "报修三天无人处理",
        "三天前报修的打印机问题到现在没有任何人联系我们，严重影响业务，请尽快处理并给出解释。",
        False,
    ),
    Template(
        "complaint",
        "slow",
        "Nobody answered my ticket for three days",
        "I reported a VPN issue on Monday and have had no response at all. This is not "
        "acceptable for our support contract.",
        True,
    ),
    Template(
        "complaint",
        "attitude",
        "上门工程师服务态度差",
        "今天上门维修的工程师态度冷淡，没有解释故障原因就离开了，希望改进。",
        False,
    ),
    Template(
        "complaint",
        "quality",
        "空调维修后一周再次故障",
        "上周刚修好的 {city} 仓库空调又不制冷了，希望安排更有经验的工程师。",
        False,
    ),
    Template(
        "complaint",
        "quality",
        "Copier broke again a week after repair",
        "The copier on floor {floor} was repaired last week and shows the same error again.",
        True,
    ),
    Template(
        "complaint",
        "billing",
        "维保合同内配件被收费",
        "维保合同期内更换的配件被单独收费 {n}00 元，请核实并退还。",
        False,
    ),
    Template(
        "complaint",
        "billing",
        "Invoice charges for parts under warranty",
        "Invoice {n} charges us for a fuser unit that is covered by our maintenance "
        "contract. Please correct it.",
        True,
    ),
    # --- field repair ---
    Template(
        "repair",
        "hvac",
        "{city}仓库空调不制冷，需上门检修",
        "{city}仓库 {n} 号库房的中央空调出风不凉，室温已到 32 度，货品有受潮风险。",
        False,
    ),
    Template(
        "repair",
        "hvac",
        "Server room air conditioner alarm",
        "The precision air conditioner in the server room shows a high-pressure alarm; "
        "temperature is rising.",
        True,
    ),
    Template(
        "repair",
        "copier",
        "复印机卡纸并有异响",
        "{floor} 楼的 {model} 复印机频繁卡纸，运行时有咔咔的异响，需要工程师上门。",
        False,
    ),
    Template(
        "repair",
        "copier",
        "Copier shows error code C-2557",
        "The {model} copier on floor {floor} stops with error C-2557 after a few pages.",
        True,
    ),
    Template(
        "repair",
        "machine",
        "注塑机液压系统漏油",
        "{n} 号注塑机液压站漏油，已停机。生产计划紧张，请尽快安排工程师并带密封件。",
        False,
    ),
    Template(
        "repair",
        "machine",
        "生产线 {n} 号贴标机停机",
        "贴标机报警“伺服过载”，复位后仍无法启动，整条包装线停产。",
        False,
    ),
    Template(
        "repair",
        "machine",
        "CNC machine spindle overheating",
        "Spindle temperature on CNC line {n} exceeds 70 °C after 20 minutes of work.",
        True,
    ),
    Template(
        "repair",
        "ups",
        "机房 UPS 电池告警",
        "机房 UPS 面板提示电池故障，蜂鸣器一直响，需要检测并更换电池。",
        False,
    ),
    Template(
        "repair",
        "ups",
        "UPS beeping, battery replacement needed",
        "Our UPS in the {city} office beeps every minute and reports 'replace battery'.",
        True,
    ),
]

FLOORS = ["3", "5", "7", "8", "12", "15", "21"]
ROOMS = ["A301", "B502", "C701", "会议室 1", "Room 808", "1205"]
MODELS = [
    "HP LaserJet M404",
    "Canon iR-ADV C5535",
    "Lenovo ThinkPad T14",
    "Dell Latitude 7440",
    "Brother HL-L5100",
    "Ricoh MP C3004",
    "Kyocera TASKalfa 3253ci",
]
CITIES = ["上海", "苏州", "深圳", "北京", "杭州", "Shanghai", "Shenzhen", "Beijing"]

AGENT_REPLIES = [
    "您好，已收到您的报修，工程师正在远程排查，请稍候。",
    "您好，我们已定位到问题原因，正在处理中，预计今天下班前恢复。",
    "已为您远程重启服务并清理打印队列，请再试一次。",
    "已安排工程师明天上午 9:30 上门，请提前准备好设备所在区域的门禁。",
    "Hello, we've received your request and an engineer is looking into it now.",
    "We found the cause (an expired certificate) and are renewing it; it should work within "
    "the hour.",
    "An engineer will be on site tomorrow morning between 9 and 11.",
]
AGENT_QUESTIONS = [
    "请提供一下报错截图和电脑的资产编号，方便我们进一步排查。",
    "请问设备的序列号是多少？是否还在保修期内？",
    "请确认一下方便上门的时间段，我们好安排工程师。",
    "Could you send a screenshot of the error and your laptop's asset tag?",
    "Please confirm a time window when our engineer can visit the site.",
]
CUSTOMER_REPLIES = [
    "好的，谢谢！截图已附上，资产编号是 SH-{n}。",
    "明天上午都可以，到了请打前台电话。",
    "试了一下还是不行，麻烦再看看。",
    "Thanks, the screenshot is attached. Asset tag SZ-{n}.",
    "Tomorrow morning works for us; please call reception when you arrive.",
    "Still not working on my side, sorry.",
]
INTERNAL_NOTES = [
    "内部备注：同一型号本月第三次故障，建议申请整机更换。",
    "内部备注：需要领用配件（定影组件），已在库存系统提交申请。",
    "内部备注：客户为重点客户，请优先处理。",
    "Internal: same fault as last month, probably the mainboard. Parts requested.",
    "Internal: escalated to the network team, firewall rule missing.",
]
RESOLUTIONS = [
    "已更换定影组件并测试打印 50 页正常，问题已解决。",
    "已重新配置 VPN 客户端并更新证书，用户确认可以正常连接。",
    "已开通权限，请重新登录后查看。",
    "现场更换液压密封圈，试机两小时无渗漏，设备恢复生产。",
    "Replaced the battery pack and ran a 30-minute load test; the UPS is back to normal.",
    "Password reset and account unlocked; the user confirmed they can sign in.",
]
REOPEN_REASONS = [
    "问题又出现了，今天上午又无法打印。",
    "设备运行一天后再次报警，请再安排上门。",
    "The issue came back this morning.",
]
CANCEL_REASONS = [
    "问题已自行恢复，撤销报修。",
    "重复提交，已有相同工单在处理。",
    "No longer needed, we found a workaround.",
]
