"""Seeded generator of synthetic raw digests, in the mirror sites' raw format.

Each file looks like a real scrape (see ``samples/`` and ``articles/parsing.py``):

* line 1 a breadcrumb, line 3 an SEO title;
* line 5, one long line: a keyword list glued to ``我自己的原文哦~ URL``, a
  truncated meta-description copy of the first article ending in ``…`` with
  broken entities (``#xff0c;``), the marker and URL again, then the articles
  as ``#Title subtitle body…`` with every line break collapsed into a space,
  numbered (``一、…``) and short headings, link lines such as
  ``论文链接https://arxiv.org/abs/2412.12345`` and trailing ``#xx`` placeholders;
* the page URL line and a ``相关文章:`` list of ``  • …`` lines.

The text is Chinese drawn from a fixed vocabulary of ~4,400 words and common
characters with Zipf-like frequencies, mixed with English AI terms and numbers,
so that search benchmarks get realistic hit rates. Output is deterministic for
a seed: every choice comes from the ``random.Random`` passed in. Only the
standard library is used; titles are unique within a seed (they carry the file
index and the article number).

    python bench/generate.py --files 1000 --out /tmp/digests
    python bench/generate.py --files 200 --check     # parse them with the real parser
"""

from __future__ import annotations

import argparse
import array
import random
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# --------------------------------------------------------------------------
# Vocabulary (fixed: the same for every seed)


def _split(text: str) -> list[str]:
    return text.split()


# Roughly in order of frequency in Chinese AI news; the GB2312 level-1
# characters follow as a long tail of single-character tokens.
_WORDS = _split("""
的 是 了 在 和 模型 我们 一个 也 有 这 不 对 中 将 可以 能 上 为 与 数据 会 更 等 都 就 而
训练 推理 通过 大模型 进行 性能 研究 这些 其 被 从 到 方法 能力 任务 他们 使用 已经 让 但 并 还
技术 需要 可能 没有 如果 因为 所以 以及 这个 自己 之后 同时 其中 目前 非常 新 多 大 小 个 种 次
年 后 里 来 说 看 做 用 给 把 向 由 于 以 所 着 过 得 很 最 又 再 只 才 却 则 如 比 它 该 此 之
参数 计算 系统 问题 结果 实验 评估 基准 测试 用户 公司 开源 发布 论文 注意力 机制 架构 网络 团队
语言模型 生成 图像 视频 文本 语音 多模态 智能体 代码 数学 上下文 长度 窗口 缓存 内存 显存 算力
芯片 成本 效率 速度 规模 扩展 损失 梯度 优化 分布式 并行 集群 部署 应用 场景 产品 平台 工具 框架
开发者 社区 行业 领域 未来 发展 趋势 突破 创新 挑战 限制 方案 策略 目标 指标 准确率 表现 提升
降低 增加 减少 超过 达到 实现 提出 设计 构建 引入 采用 利用 支持 提供 包括 展示 证明 发现 认为
指出 解释 介绍 分析 比较 相比 基于 针对 对于 关于 随着 人工智能 通用人工智能 深度学习 机器学习
强化学习 预训练 微调 蒸馏 对齐 神经网络 具身智能 机器人 自动驾驶 搜索 检索 增强 知识 推理能力
小模型 开源模型 闭源 版本 更新 功能 体验 效果 质量 复杂 简单 重要 关键 核心 主要 不同 相同 相关
一些 很多 许多 大量 更多 所有 每个 整个 部分 方面 过程 阶段 步骤 方式 形式 结构 层 头 向量 矩阵
序列 位置 编码 解码 输入 输出 信息 内容 特征 表示 空间 维度 规律 定律 假设 理论 证据 报告 报道
谷歌 微软 英伟达 阿里 腾讯 字节跳动 百度 华为 清华大学 北京大学 斯坦福 研究人员 科学家 工程师
首席执行官 创始人 投资 融资 估值 市场 竞争 对手 价格 商业 收入 客户 企业 服务 云 接口 开放 免费
高 低 强 弱 快 慢 好 长 短 全 真 直接 显著 明显 进一步 大幅 持续 逐渐 首次 再次 仍然 依然 甚至
不仅 而且 或者 还是 虽然 但是 然而 因此 于是 此外 另外 最终 总之 其实 当然 可见 显然 似乎 或许
认识 理解 学习 思考 规划 决策 执行 控制 感知 交互 对话 回答 提问 问答 翻译 写作 总结 摘要 分类
识别 检测 分割 预测 估计 判断 选择 搜索引擎 推荐 排序 匹配 聚类 压缩 量化 剪枝 稀疏 混合 专家
路由 门控 激活 归一化 残差 卷积 循环 状态 记忆 长期 短期 样本 标注 合成数据 真实 人类 反馈 奖励
偏好 安全 风险 伦理 监管 政策 法律 隐私 版权 开放权重 社会 经济 教育 医疗 金融 游戏 娱乐 创作
世界 全球 国内 海外 中国 美国 欧洲 日本 硅谷 北京 上海 深圳 杭州 时间 时代 历史 今天 明天 去年
今年 最近 近日 日前 此前 以来 期间 当时 之间 以上 以下 左右 一起 一样 一般 一直 一定 一种 一次
地方 东西 事情 问题所在 意义 价值 作用 影响 原因 条件 环境 基础 水平 程度 范围 数量 比例 速度提升
内部 外部 后台 前端 底层 上层 中间 端侧 云端 手机 电脑 设备 终端 浏览器 网页 软件 硬件 服务器
显卡 数据中心 电力 能源 资源 时间成本 延迟 吞吐量 带宽 存储 读写 传输 通信 协议 标准 格式 文件
开发 研发 团队成员 作者 合作 联合 实验室 大学 学院 机构 组织 项目 计划 路线图 里程碑 消息 传言
猜测 爆料 官方 宣布 确认 否认 回应 评论 观点 看法 讨论 关注 热议 网友 媒体 记者 采访 播客 博客
文章 帖子 视频号 直播 发布会 大会 会议 论坛 峰会 演讲 报告会 奖项 获奖 入选 评选 荣誉 学者 教授
博士 学生 华人 中文 英文 语料 词表 分词 字符 单词 句子 段落 文档 网页数据 图片 音频 像素 帧
画面 视觉 听觉 动作 行为 环境感知 物理 化学 生物 蛋白质 药物 材料 天气 地图 交通 城市 工厂
制造 农业 零售 电商 广告 营销 客服 办公 编程 调试 测试集 训练集 验证集 数据集 榜单 排名 第一名
冠军 领先 落后 追赶 超越 打败 击败 胜出 失败 成功 尝试 探索 试验 验证 复现 开源代码 权重 检查点
迭代 轮次 批次 步长 学习率 温度 采样 解码策略 束搜索 贪心 概率 分布 熵 信号 噪声 扩散 流匹配
世界模型 视频生成 文生图 图生视频 语音合成 语音识别 机器翻译 代码生成 数学推理 逻辑推理 常识
幻觉 偏见 鲁棒性 泛化 迁移 零样本 少样本 思维链 提示词 指令 工具调用 函数调用 检索增强 向量数据库
长文本 长上下文 多轮对话 个性化 智能助手 聊天机器人 搜索框 插件 生态 开源社区 闭源模型 旗舰
轻量 高效 低成本 高性能 端到端 一体化 自动化 智能化 数字化 大规模 超大规模 千亿 万亿 百亿 亿
""")

_OPENERS = _split("""
此外 同时 然而 目前 研究人员 作者 我们 据悉 另外 值得注意的是 具体来说 实际上 在 对于 随着 与此同时
不过 因此 当然 该 这 他们 团队 官方 报道称 结果显示 从 如今 近日 最近 相比之下 换句话说 简而言之
对此 为此 事实上 总体来看 可以看到 研究发现 论文指出 有人猜测 业内人士认为 从技术上看
""")

# Wrapped in spaces, as the mirrors write Latin inside Chinese text.
_TERMS = [
    *("AI", "OpenAI", "GPT-4o", "LLM", "Transformer", "token", "ChatGPT", "Claude"),
    *("Anthropic", "Google", "DeepSeek-V3", "Qwen2.5", "o1", "o1-mini", "o3", "GPT-4"),
    *("GPT-5", "Gemini", "Meta", "Llama 3", "NVIDIA", "GPU", "H100", "Agent", "RAG"),
    *("MoE", "KV Cache", "Attention", "benchmark", "SOTA", "AGI", "API", "CoT", "RLHF"),
    *("SFT", "DPO", "LoRA", "Scaling Law", "Sora", "Kimi", "MiniMax", "Mistral"),
    *("Hugging Face", "GitHub", "arXiv", "PyTorch", "CUDA", "vLLM", "FlashAttention"),
    *("MMLU", "GSM8K", "HumanEval", "SWE-bench", "Chatbot Arena", "ViT", "CLIP", "DiT"),
    *("Stable Diffusion", "Midjourney", "Grok", "xAI", "Mamba", "RNN", "CNN", "BERT"),
    *("Microsoft", "Apple", "Amazon", "AWS", "Google DeepMind", "AlphaFold", "DeepSeek-R1"),
    *("Llama 3.1 405B", "Qwen2.5-Max", "GPT-4o mini", "Claude 3.5 Sonnet", "Opus 3.5"),
    *("Gemini 2.0 Flash", "o1-preview", "Copilot", "Cursor", "prompt", "embedding"),
    *("fine-tuning", "pipeline", "backbone", "encoder", "decoder", "MLA", "MHA", "GQA"),
    *("MQA", "FP8", "INT4", "TPU", "Blackwell", "B200", "A100", "Ilya Sutskever"),
    *("Sam Altman", "Dario Amodei", "Yann LeCun", "Jensen Huang", "NeurIPS", "ICLR"),
    *("CVPR", "AAAI", "ICML", "ACL", "IEEE", "Semianalysis", "Lex Fridman", "X", "93.7%"),
]

_BOOKS = ["自然", "科学", "逆水寒", "黑神话悟空", "纽约时报", "经济学人", "连线", "三体", "原神"]

_NUMBERED = "一二三四五六七八九十"
# Section headings, chosen to pass the parser's heading tests: short, no
# sentence punctuation, no caption words, no trailing connective, ending in Han.
_HEADING_PHRASES = [
    *("神秘消失的旗舰模型", "更好的模型变得更小更便宜", "背后的推动力普遍存在"),
    *("深入无人踏足之地", "从山洞中传递智慧的老隐士", "模型架构与训练方法"),
    *("数据集的构建", "推理效率分析", "未来的研究方向", "开源社区的反应"),
    *("核心技术原理", "性能对比评测", "应用场景与落地", "成本与收益的权衡"),
    *("训练中的关键技巧", "为什么选择蒸馏", "从预训练到后训练", "长上下文的难题"),
    *("算力竞赛的下一站", "安全与对齐", "行业格局的变化", "开发者怎么看"),
    *("与现有方法的对比", "消融实验", "局限与不足", "技术路线之争"),
]
_SHORT_HEADINGS = [
    *("实验结果", "方法与分析", "模型简介", "研究背景和动机", "技术细节", "核心发现"),
    *("训练数据", "评测结果", "写在最后", "展望", "总结", "结语", "主要贡献", "方法概述"),
    *("相关工作", "讨论", "案例分析", "部署实践"),
]
_LINK_LABELS = ["论文链接", "论文地址", "项目地址", "项目链接", "代码链接", "原文地址", "参考链接"]
_GITHUB_OWNERS = ["LeapLabTHU", "deepseek-ai", "QwenLM", "openai", "meta-llama", "THUDM"]
_EN_WORDS = _split("""
this rumor about model changes everything scaling reasoning agents small large fast
open weights distillation attention cache future compute data training inference
""")

# Chrome: the mirror's SEO keywords and related-article titles.
_CHROME_PLACES = _split(
    "泉州市 上海 北京 深圳 广州 杭州 成都 武汉 南京 西安 长春 芜湖 无锡 湘潭 西宁 黄骅"
)
_CHROME_PHRASES = _split("""
网站建设 网页设计 模板免费 推广工作 网站标题 怎么做 公司官网 营销网站 seo优化 wordpress主题
网站运营 精准引流 网上下载 开发制作 静态网页 建设公司 培训中心 系统培训 代运营服务 做灯的网站
航班查询 体育新闻 会员积分 外包加工 官网下载 手机版 平台排名 前十 包装设计 欣赏网站 网站排名
搜索过滤 环境要求 黄石网站 网站馆店 网站说服力 卖货平台 人事考试网 网站优化 首页 商城网站
""")
_MIRRORS = _split("pierceye mzsy wlmjs kyzp sztyzx hbxtzs jnyhzx qdhhsj")
_ORIGIN_MARK = "我自己的原文哦~"

_HAN_RE = re.compile(r"[\u4e00-\u9fff]")


def _gb2312_level1() -> list[str]:
    """The 3,755 most common characters (GB2312 level 1), from the codec."""
    out = []
    for row in range(0xB0, 0xD8):
        for col in range(0xA1, 0xFF):
            if row == 0xD7 and col > 0xF9:
                break
            out.append(bytes((row, col)).decode("gb2312"))
    return out


def _zipf(n: int, offset: float = 2.7, exponent: float = 1.0) -> list[float]:
    return [1.0 / (rank + offset) ** exponent for rank in range(1, n + 1)]


def _number_tokens(rng: random.Random, count: int) -> list[str]:
    """Numbers as the mirrors write them; none ends with a space after Han."""
    makers = [
        lambda: f" {rng.randint(2015, 2025)} 年",
        lambda: f" {rng.randint(1, 12)} 月 {rng.randint(1, 28)} 日",
        lambda: f" {rng.randint(1, 99)}.{rng.randint(0, 9)}%",
        lambda: f" {rng.randint(2, 30)}-{rng.randint(31, 99)}倍",
        lambda: f" {rng.randint(2, 99)} 多万",
        lambda: f" {rng.choice((1, 3, 7, 8, 14, 32, 70, 72, 405, 671))}B",
        lambda: f" {rng.choice((4, 8, 32, 128, 200, 1000))}K",
        lambda: f" {rng.randint(1, 9)}.{rng.randint(0, 9)}",
        lambda: f" {rng.randint(10, 999)} 亿美元",
    ]
    return [rng.choice(makers)() for _ in range(count)]


@dataclass(frozen=True)
class Vocabulary:
    table: list[str]  # 65,536 tokens, each as often as its probability says
    han_per_token: float
    words: list[str]  # the hand-picked Chinese words, most frequent first
    word_weights: list[float]  # cumulative, for random.choices
    terms: list[str]
    term_weights: list[float]  # cumulative


# Share of each kind of token in running text (the sample has ~1 Latin term
# per 19 Han characters and a full stop per 37).
_SHARES = {
    "word": 0.837,
    "term": 0.075,
    "number": 0.020,
    "。": 0.040,
    "、": 0.017,
    "quote": 0.006,
    "book": 0.003,
    "——": 0.002,
}
_TABLE_SIZE = 1 << 16


@cache
def vocabulary() -> Vocabulary:
    fixed = random.Random(20250101)  # the vocabulary never depends on the seed
    tail = _gb2312_level1()
    fixed.shuffle(tail)
    seen = set(_WORDS)
    single_numerals = set(_NUMBERED)
    words = list(_WORDS) + [ch for ch in tail if ch not in seen and ch not in single_numerals]
    word_w = _zipf(len(words))
    term_w = _zipf(len(_TERMS), offset=1.5)
    quotes = [f"「{a}{b}」" for a, b in (fixed.sample(words[:600], 2) for _ in range(300))]
    kinds: dict[str, tuple[list[str], list[float]]] = {
        "word": (words, word_w),
        "term": ([f" {t} " for t in _TERMS], term_w),
        "number": (_number_tokens(fixed, 400), [1.0] * 400),
        "。": (["。"], [1.0]),
        "、": (["、"], [1.0]),
        "quote": (quotes, [1.0] * len(quotes)),
        "book": ([f"《{b}》" for b in _BOOKS], _zipf(len(_BOOKS))),
        "——": (["——"], [1.0]),
    }
    table: list[str] = []
    for kind, share in _SHARES.items():
        tokens, weights = kinds[kind]
        total = sum(weights)
        for token, weight in zip(tokens, weights, strict=True):
            table.extend([token] * max(1, round(_TABLE_SIZE * share * weight / total)))
    fixed.shuffle(table)
    table = (table * 2)[:_TABLE_SIZE]  # rounding left it a little short or long
    han = sum(len(_HAN_RE.findall(t)) for t in table) / len(table)
    common = len(_WORDS)
    return Vocabulary(
        table, han, words[:common], _cumulative(word_w[:common]), _TERMS, _cumulative(term_w)
    )


def _cumulative(weights: list[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


# --------------------------------------------------------------------------
# Running text


def _token_stream(rng: random.Random, count: int) -> list[str]:
    """``count`` tokens in one call: two random bytes index the table."""
    indexes = array.array("H")
    indexes.frombytes(rng.randbytes(2 * count))
    if sys.byteorder == "big":
        indexes.byteswap()  # the same files on every machine
    table = vocabulary().table
    return [table[i] for i in indexes]


# Undo what token-by-token gluing gets wrong, so that the only spaces left in
# a paragraph sit next to Latin text and never look like a lost line break.
_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[「《、。」》—])")
_SPACE_AFTER_PUNCT = re.compile(r" (?<=[「《、。」》—] ) *")  # starts with " ": fast
_NUMBERED_TRAP = re.compile(r" +(?=[一二三四五六七八九十]{1,3}、)")
_PUNCT_RUN = re.compile(r"[、。]{2,}")
_MANY_SPACES = re.compile(r" {2,}")


def _tidy(text: str) -> str:
    text = _SPACE_BEFORE_PUNCT.sub("", text)
    text = _SPACE_AFTER_PUNCT.sub("", text)
    text = _NUMBERED_TRAP.sub("", text)
    text = _PUNCT_RUN.sub(lambda m: "。" if "。" in m.group(0) else "、", text)
    return _MANY_SPACES.sub(" ", text)


def _paragraphs(rng: random.Random, han_chars: int) -> list[str]:
    """Prose paragraphs, each starting with Han and ending in a full stop."""
    tokens = _token_stream(rng, max(40, round(han_chars / vocabulary().han_per_token)))
    out, i = [], 0
    while i < len(tokens):
        n = rng.randint(20, 110)
        if len(tokens) - (i + n) < 20:
            n = len(tokens) - i
        out.append(rng.choice(_OPENERS) + "".join(tokens[i : i + n]).rstrip() + "。")
        i += n
    return out


def _words(rng: random.Random, count: int) -> list[str]:
    v = vocabulary()
    return rng.choices(v.words, cum_weights=v.word_weights, k=count)


def _term(rng: random.Random) -> str:
    v = vocabulary()
    return rng.choices(v.terms, cum_weights=v.term_weights)[0]


# --------------------------------------------------------------------------
# One article


def _title(rng: random.Random, index: int, number: int) -> str:
    """Unique for (index, number), also after the parser's ``norm``."""
    words = _words(rng, rng.randint(2, 4))
    if rng.random() < 0.7:
        words.insert(rng.randint(0, len(words)), _term(rng))
    return "".join(words) + f"第{index}期{number}号"


def _subtitle(rng: random.Random) -> str:
    """No spaces at all: a space next to Han would end the subtitle."""
    words = _words(rng, rng.randint(5, 10))
    if rng.random() < 0.6:
        words.insert(rng.randint(0, len(words)), _term(rng).replace(" ", ""))
    text = "".join(words)[:40]
    while not text[-1].isalnum():
        text = text[:-1]
    return text


def _url(rng: random.Random, label: str) -> str:
    if label.startswith("论文"):
        month = f"{rng.randint(23, 25)}{rng.randint(1, 12):02d}"
        return f"https://arxiv.org/abs/{month}.{rng.randint(1000, 19999):05d}"
    if label.startswith(("项目", "代码")):
        repo = "-".join(rng.sample(_EN_WORDS, 2)).title().replace("-", "")
        return f"https://github.com/{rng.choice(_GITHUB_OWNERS)}/{repo}"
    slug = "-".join(rng.sample(_EN_WORDS, rng.randint(3, 6)))
    site = rng.choice(("thealgorithmicbridge", "semianalysis", "lesswrong"))
    return f"https://www.{site}.com/p/{slug}"


def _link_line(rng: random.Random) -> str:
    """``论文链接https://…``, sometimes two glued together."""
    labels = rng.sample(_LINK_LABELS, 2 if rng.random() < 0.3 else 1)
    return "".join(label + _url(rng, label) for label in labels)


def _tweet_url(rng: random.Random) -> str:
    return f"https://x.com/AISafetyMemes/status/{rng.randint(10**18, 2 * 10**18)}"


def _headings(rng: random.Random, sections: int) -> list[str]:
    if rng.random() < 0.55:
        phrases = rng.sample(_HEADING_PHRASES, sections)
        out = []
        for i, phrase in enumerate(phrases):
            if rng.random() < 0.3:
                phrase = f"{_term(rng)} 的{phrase}"
            out.append(f"{_NUMBERED[i]}、{phrase}")
        return out
    out = rng.sample(_SHORT_HEADINGS, sections)
    if rng.random() < 0.3:
        out[0] = f"{_term(rng).split()[0]} {out[0]}"
    return out


def _body(rng: random.Random, article_chars: int) -> str:
    """Lead, optional link line, sections; parts joined by collapsed breaks."""
    paragraphs = _paragraphs(rng, article_chars)
    lead = rng.randint(1, min(3, len(paragraphs)))
    parts = paragraphs[:lead]
    if rng.random() < 0.5:
        parts.append(_link_line(rng))
    rest = paragraphs[lead:]
    sections = 0 if rng.random() < 0.2 else min(rng.randint(2, 6), len(rest))
    if sections:
        cuts = sorted(rng.sample(range(1, len(rest)), sections - 1)) if sections > 1 else []
        bounds = [0, *cuts, len(rest)]
        for heading, a, b in zip(_headings(rng, sections), bounds, bounds[1:], strict=False):
            parts.append(heading)
            parts.extend(rest[a:b])
    else:
        parts.extend(rest)
    if rng.random() < 0.15:
        parts.append(_tweet_url(rng))
    # A newline marks each intended break; _tidy only touches spaces.
    return _tidy("\n".join(parts)).replace("\n", " ")


@dataclass
class _Article:
    title: str
    subtitle: str
    body: str

    def raw(self) -> str:
        return f"#{self.title} {self.subtitle} {self.body}"


def _description_copy(rng: random.Random, article: _Article) -> str:
    """The truncated meta description: fullwidth commas survive as ``#xff0c;``."""
    text = article.raw()[: rng.randint(80, 130)].rstrip()
    head, rest = text[: len(article.title) + 1], text[len(article.title) + 1 :]
    out = [head]
    for ch in rest:
        out.append(ch)
        if "\u4e00" <= ch <= "\u9fff" and rng.random() < 0.07:
            out.append(rng.choice(("#xff0c;", "#xff0c;", "#xff1a;")))
    return "".join(out) + "…"


# --------------------------------------------------------------------------
# The whole file


def _keywords(rng: random.Random) -> list[str]:
    out = [rng.choice(_CHROME_PLACES) + "".join(rng.sample(_CHROME_PHRASES, 2))]
    out.append(f"{rng.randint(2012, 2024)}年" + "".join(rng.sample(_CHROME_PHRASES, 2)))
    out.extend("".join(rng.sample(_CHROME_PHRASES, 2)) for _ in range(2))
    return out


def _related(rng: random.Random, count: int = 30) -> list[str]:
    return ["  • " + "".join(rng.sample(_CHROME_PHRASES, 3)) for _ in range(count)]


def build_digest(
    rng: random.Random, index: int, articles: int = 6, article_chars: int = 2000
) -> tuple[str, list[str]]:
    """The raw text of one digest and the titles the parser should find in it."""
    items = [
        _Article(_title(rng, index, k), _subtitle(rng), _body(rng, article_chars))
        for k in range(1, articles + 1)
    ]
    keywords = _keywords(rng)
    origin = f"https://blog.51cto.com/whaosoft/{rng.randint(10**7, 2 * 10**7)}"
    page = f"http://www.{rng.choice(_MIRRORS)}.com/news/{rng.randint(10**5, 10**6)}/"
    line5 = (
        ",".join(keywords)
        + f"{_ORIGIN_MARK} {origin} "
        + _description_copy(rng, items[0])
        + f"{_ORIGIN_MARK}\u00a0\u00a0\u00a0{origin} "
        + " ".join(a.raw() for a in items)
        + " #xx" * rng.randint(0, 6)
    )
    lines = [
        "当前位置: 首页 > news >正文",
        "",
        keywords[0] + keywords[1],
        "",
        line5,
        page,
        "",
        "相关文章:",
        "",
        *_related(rng),
    ]
    return "\n".join(lines), [a.title for a in items]


# --------------------------------------------------------------------------
# The other formats (--mix): a Markdown digest, a mirror page of one post
# (every other one converted to Traditional-looking text with pinyin glosses),
# a plain text article


FORMATS = ("mangled_digest", "markdown_digest", "mirror_post", "plain_text")
_GLOSSES = ("(wǎng)", "(dāng)", "(yǔ)", "(kāi)", "(shí)", "(xiǎn)")


def _sections_of(rng: random.Random, article_chars: int) -> list[tuple[str, list[str]]]:
    """(heading, paragraphs): a lead ("") and two to four headed sections."""
    paragraphs = _paragraphs(rng, article_chars)
    count = min(rng.randint(2, 4), max(1, len(paragraphs) - 1))
    headings = _headings(rng, count)
    cuts = sorted(rng.sample(range(1, len(paragraphs)), min(count, len(paragraphs) - 1)))
    bounds = [0, *cuts, len(paragraphs)]
    out = [("", paragraphs[: bounds[1]])]
    for heading, a, b in zip(headings, bounds[1:], bounds[2:], strict=False):
        out.append((heading, [_tidy(p) for p in paragraphs[a:b]]))
    return out


def build_markdown_digest(
    rng: random.Random, index: int, articles: int = 6, article_chars: int = 2000
) -> tuple[str, list[str]]:
    day = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    titles = [_title(rng, index, k) for k in range(1, articles + 1)]
    urls = [_url(rng, rng.choice(_LINK_LABELS)) for _ in titles]
    out = [f"---\ntitle: AI 早报 {day}\ndate: {day}\n---", f"# AI 早报 {day}", "## 概览"]
    out += [f"- {t} [↗]({u}) `#{k}`" for k, (t, u) in enumerate(zip(titles, urls, strict=False), 1)]
    for k, (title, url) in enumerate(zip(titles, urls, strict=False), 1):
        out += ["---", f"## [{title}]({url}) `#{k}`", f"> {_subtitle(rng)}。"]
        for heading, paragraphs in _sections_of(rng, article_chars):
            if heading:
                out.append(f"**{heading}**")
            out += paragraphs
        out.append(f"![](https://img.example.com/{index}/{k}.png)")
        out += ["相关链接：", f"- [{url}]({url})"]
    return "\n\n".join(out) + "\n", titles


def build_mirror_post(
    rng: random.Random, index: int, article_chars: int = 2000
) -> tuple[str, list[str]]:
    title = _title(rng, index, 1)
    body = [p for heading, ps in _sections_of(rng, article_chars) for p in [heading, *ps] if p]
    keywords = _keywords(rng)
    text = " ".join(body)
    copy = text[: rng.randint(60, 110)].rstrip() + "…"
    lines = [
        title,
        f"- 作者: {''.join(_words(rng, 2))}",
        f"- 时间: 2026年{rng.randint(1, 12):02d}月{rng.randint(1, 28):02d}日 08:05",
        "",
        "当前位置: 首页 > news >正文",
        "",
        keywords[0] + keywords[1],
        "",
        ",".join(keywords) + copy + text,
        f"http://www.{rng.choice(_MIRRORS)}.com/news/{rng.randint(10**5, 10**6)}/",
        "",
        "相关文章:",
        "",
        *_related(rng, 10),
    ]
    raw = "\n".join(lines)
    if index % 2:  # run through a converter that leaves pinyin glosses
        raw = re.sub(
            r"(?<=[\u4e00-\u9fff])(?=[\u4e00-\u9fff])",
            lambda m: rng.choice(_GLOSSES) if rng.random() < 0.03 else "",
            raw,
        )
    return raw, [title]


def build_plain(rng: random.Random, index: int, article_chars: int = 2000) -> tuple[str, list[str]]:
    title = _title(rng, index, 1)
    out = [title, f"2026年{rng.randint(1, 12)}月{rng.randint(1, 28)}日", ""]
    for heading, paragraphs in _sections_of(rng, article_chars):
        if heading:
            out += [heading, ""]
        for paragraph in paragraphs:
            out += [paragraph, ""]
    return "\n".join(out), [title]


def build_file(
    rng: random.Random, index: int, articles: int = 6, article_chars: int = 2000, mix: bool = False
) -> tuple[str, list[str], str]:
    """One file's text, its titles and its format: with ``mix``, the four
    formats in turn, else the mirror digest."""
    fmt = FORMATS[index % 4] if mix else FORMATS[0]
    if fmt == "markdown_digest":
        return (*build_markdown_digest(rng, index, articles, article_chars), fmt)
    if fmt == "mirror_post":
        return (*build_mirror_post(rng, index, articles * article_chars // 2), fmt)
    if fmt == "plain_text":
        return (*build_plain(rng, index, articles * article_chars // 2), fmt)
    return (*build_digest(rng, index, articles, article_chars), fmt)


def generate_digest(
    rng: random.Random, index: int, articles: int = 6, article_chars: int = 2000
) -> str:
    """One raw digest file's text (encode it as UTF-8).

    ``article_chars`` is the number of Han characters in each article's body
    (about 7 KB of UTF-8 for 2,000 once the Latin text and spaces are added).
    """
    return build_digest(rng, index, articles, article_chars)[0]


def iter_digests(
    count: int, seed: int = 1, articles: int = 6, article_chars: int = 2000, mix: bool = False
) -> Iterator[tuple[int, bytes]]:
    """Yield ``(index, utf-8 bytes)`` for files 0..count-1 of a seed."""
    rng = random.Random(seed)
    for index in range(count):
        yield index, build_file(rng, index, articles, article_chars, mix)[0].encode("utf-8")


def file_name(index: int, mix: bool = False) -> str:
    return (
        f"{index:06d}.md" if mix and FORMATS[index % 4] == "markdown_digest" else f"{index:06d}.txt"
    )


def write_digests(
    out: Path,
    count: int,
    seed: int = 1,
    articles: int = 6,
    article_chars: int = 2000,
    mix: bool = False,
) -> int:
    """Write ``out/NNNNNN.txt`` (and ``.md``) files one at a time; return the bytes written."""
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    for index, data in iter_digests(count, seed, articles, article_chars, mix):
        (out / file_name(index, mix)).write_bytes(data)
        total += len(data)
    return total


# --------------------------------------------------------------------------
# Self-check against the real parser


def check(
    count: int, seed: int = 1, articles: int = 6, article_chars: int = 2000, mix: bool = False
) -> list[str]:
    """Parse ``count`` generated files; return one line per problem found."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from articles.ingest.parsing import norm, parse

    problems: list[str] = []
    seen: set[str] = set()
    rng = random.Random(seed)
    for index in range(count):
        text, titles, fmt = build_file(rng, index, articles, article_chars, mix)
        digest = parse(text.encode("utf-8"))
        got = [a.title for a in digest.articles]
        if digest.format != fmt:
            problems.append(f"file {index}: {fmt} read as {digest.format}")
        if got != titles:
            problems.append(f"file {index}: expected {titles}, parsed {got}")
        if digest.warnings:
            problems.append(f"file {index}: warnings {digest.warnings}")
        if fmt in ("mangled_digest", "markdown_digest"):
            for a in digest.articles:
                if not a.subtitle:
                    problems.append(f"file {index}: {a.title!r} lost its subtitle")
        if fmt == "mangled_digest" and not (digest.origin_url or "").startswith(
            "https://blog.51cto.com/"
        ):
            problems.append(f"file {index}: origin URL {digest.origin_url!r}")
        if fmt in ("mangled_digest", "mirror_post") and not (digest.page_url or "").startswith(
            "http://www."
        ):
            problems.append(f"file {index}: page URL {digest.page_url!r}")
        for title in titles:
            key = norm(title)
            if key in seen:
                problems.append(f"file {index}: duplicate title {title!r}")
            seen.add(key)
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--articles-per-file", type=int, default=6)
    ap.add_argument("--article-chars", type=int, default=2000, help="Han characters per article")
    ap.add_argument("--out", type=Path, help="folder for NNNNNN.txt files")
    ap.add_argument("--check", action="store_true", help="parse every file with the real parser")
    ap.add_argument("--mix", action="store_true", help="the four formats in turn")
    args = ap.parse_args(argv)
    if not args.out and not args.check:
        ap.error("give --out DIR, --check, or both")
    shape = (args.seed, args.articles_per_file, args.article_chars, args.mix)
    if args.out:
        started = time.perf_counter()
        size = write_digests(args.out, args.files, *shape)
        seconds = time.perf_counter() - started
        print(
            f"wrote {args.files} files, {size / 1e6:.1f} MB in {seconds:.2f} s "
            f"({size / 1e6 / seconds:.1f} MB/s) to {args.out}"
        )
    if args.check:
        problems = check(args.files, *shape)
        for line in problems[:20]:
            print(line)
        print(f"checked {args.files} files: {len(problems)} problem(s)")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
