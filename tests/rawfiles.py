"""Build raw digest files the way the mirror sites write them, for tests.

Every sentence here is the project's own; the traps are those of the real
files (collapsed line breaks, stripped punctuation, broken entities, chrome).
"""

from __future__ import annotations

ORIGIN = "https://blog.example.com/ainews/20250117"
PAGE = "http://www.mirror.example.com/news/123456/"


def chrome(body: str, *, origin: str = ORIGIN, page: str = PAGE, description: str = "") -> str:
    """Wrap a one-line body in the mirror's chrome, as in the real files."""
    related = "\n\n".join(f"  • 网站建设推广第{i}名怎么做优化" for i in range(1, 6))
    desc = f"{description}我自己的原文哦~\u00a0\u00a0\u00a0{origin} " if description else ""
    return (
        "当前位置: 首页 > news >正文\n\n"
        "济南网站建设公司哪家好2025年网站推广方案\n\n"
        f"济南网站建设公司哪家好,2025年网站推广方案,做网站多少钱我自己的原文哦~ {origin} "
        f"{desc}{body}\n\n{page}\n\n相关文章:\n\n{related}\n"
    )


ARTICLE_ONE = (
    "#智谱开源新模型 推理速度提升三倍显存占用减半 "
    "本周智谱发布了新一代开源模型。它在多个基准上超过了同规模的 Llama 模型 "
    "研究团队表示新模型采用了改进的 KV Cache 压缩方法。 "
    "一、为什么要压缩缓存 长上下文推理时缓存会迅速占满显存。这是部署大模型的主要瓶颈之一。 "
    "二、压缩方法的细节 团队把键和值分解为低秩矩阵的乘积。实验显示质量几乎没有下降。 "
    "论文链接https://arxiv.org/abs/2501.00001项目链接https://github.com/example/glm-kv"
)
ARTICLE_TWO = (
    "#DeepSeek-V3技术报告解读 训练成本只有同类模型的十分之一 "
    "DeepSeek 公布了 V3 的技术报告。报告详细介绍了 MoE 架构和 FP8 训练。 "
    "训练效率 团队在两千张 GPU 上完成了预训练。整个过程没有出现不可恢复的损失尖峰。 "
    "推理部署 模型支持多种推理框架。社区已经给出了量化版本。"
)
