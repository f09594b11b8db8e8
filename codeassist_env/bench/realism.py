"""The report's realism section (docs/protocol.md §7.5): how often the run's simulated programmer accepted
each agent's suggestions, by suggestion length, beside real programmers' decisions from public logs.

Every number of a report comes from a simulated programmer; this section is where a reader sees how far
that programmer is from people: a table per length bucket, one for suggestions that only add whitespace,
a realism gap per agent and real log, how many rejections only the unfinished last line caused, a plot
(``realism.png``) and the counts behind them all (``realism.csv``).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codeassist_env.episode import EpisodeRecord, EpisodeStatus, Round
from codeassist_env.humans.base import Choice
from codeassist_env.humans.expert import UNFINISHED_LAST_LINE
from codeassist_env.realism.curve import (
    BUCKETS,
    BucketRate,
    Rate,
    acceptance_curve,
    bucket_label,
    only_whitespace,
    realism_gap,
    total,
)
from codeassist_env.realism.logs import default_logs, load_decisions

CSV_FIELDS = ("source", "kind", "bucket", "accepted", "shown", "rate", "low", "high")
WHITESPACE = "whitespace only"


@dataclass(frozen=True)
class RealLog:
    path: Path
    curve: list[BucketRate]
    whitespace: Rate  # its decisions on suggestions that only add whitespace
    participants: int

    @property
    def name(self) -> str:
        return f"{self.path.name} (real)"


def load_real_logs(paths: Sequence[Path] | None) -> list[RealLog]:
    """Every log read in full (``None``: the default ones, ``default_logs``). Called before the report
    writes anything, so that a bad log stops it with nothing half-written."""
    logs = []
    for path in default_logs() if paths is None else [Path(p) for p in paths]:
        decisions = load_decisions(path)
        pairs = [(d.suggestion, d.accepted) for d in decisions]
        logs.append(
            RealLog(
                path,
                acceptance_curve(pairs),
                total(Rate(int(a), 1) for s, a in pairs if only_whitespace(s)),
                len({d.participant for d in decisions}),
            )
        )
    return logs


def judged_rounds(record: EpisodeRecord) -> list[Round]:
    """The rounds where the programmer judged a suggestion: a non-empty suggestion it accepted or
    rejected. FINISH rounds are left out (the programmer stopped; it did not turn the suggestion down), and
    so are rounds where it failed (the environment's fallback rejection is not a decision), and episodes
    that did not run to their end (no transcript to trust)."""
    if record.status != EpisodeStatus.OK or record.result is None:
        return []
    return [
        r
        for r in record.result.transcript
        if r.get("suggestion")
        and r.get("decision") in (Choice.ACCEPT, Choice.REJECT)
        and not r.get("simulator_failure")
    ]


@dataclass(frozen=True)
class AgentRealism:
    agent: str
    curve: list[BucketRate]
    whitespace: Rate
    rejections: int
    unfinished: int  # rejections the programmer marked as caused only by the unfinished last line
    gaps: tuple[float | None, ...]  # the realism gap to each real log, in the logs' order


def agent_realism(agent: str, records: list[EpisodeRecord], logs: list[RealLog]) -> AgentRealism:
    rounds = [r for record in records if record.agent == agent for r in judged_rounds(record)]
    curve = acceptance_curve((r["suggestion"], r["decision"] == Choice.ACCEPT) for r in rounds)
    rejected = [r for r in rounds if r["decision"] == Choice.REJECT]
    return AgentRealism(
        agent,
        curve,
        total(Rate(int(r["decision"] == Choice.ACCEPT), 1) for r in rounds if only_whitespace(r["suggestion"])),
        len(rejected),
        sum((r.get("reasoning") or "").endswith(UNFINISHED_LAST_LINE) for r in rejected),
        tuple(realism_gap(curve, log.curve) for log in logs),
    )


def _bound(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.4f}"


@dataclass
class RealismSection:
    human: str  # the run's programmer: its name in the config (and its class, where run.json has it)
    logs: list[RealLog]
    agents: list[AgentRealism] = field(default_factory=list)  # agents with at least one judged suggestion
    silent: list[str] = field(default_factory=list)  # agents whose suggestions were never judged

    @classmethod
    def build(
        cls, run: dict[str, Any], records: list[EpisodeRecord], agents: list[str], logs: list[RealLog]
    ) -> "RealismSection":
        human = f"`{run['config'].get('human')}`"
        if isinstance(run.get("human"), dict) and run["human"].get("class"):
            human += f" ({run['human']['class']})"
        section = cls(human, logs)
        for agent in agents:
            mine = agent_realism(agent, records, logs)
            if total(mine.curve).shown:
                section.agents.append(mine)
            else:
                section.silent.append(agent)
        return section

    @property
    def empty(self) -> bool:
        """Nothing to show: no judged suggestion and no real log (then no plot and no CSV either)."""
        return not self.agents and not self.logs

    def _table(self) -> list[str]:
        columns = [f"`{a.agent}`" for a in self.agents] + [log.name for log in self.logs]
        curves = [a.curve for a in self.agents] + [log.curve for log in self.logs]
        lines = ["| length (characters) | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
        for i in range(len(BUCKETS)):
            lines.append(f"| {bucket_label(i)} | " + " | ".join(c[i].cell() for c in curves) + " |")
        lines.append("| all | " + " | ".join(total(c).cell() for c in curves) + " |")
        spaces = [a.whitespace.cell() for a in self.agents] + [
            log.whitespace.cell() if log.whitespace.shown else f"none of {total(log.curve).shown:,} decisions"
            for log in self.logs
        ]
        return lines + ["| only whitespace | " + " | ".join(spaces) + " |"]

    def lines(self) -> list[str]:
        """The section in markdown; also what ``codeassist bench`` prints after a run."""
        lines = [
            "## Realism: acceptance by suggestion length",
            "",
            f"How often the programmer {self.human} accepted each agent's suggestions, by length, beside "
            "real programmers (docs/protocol.md §7.5). Each cell: acceptance rate [Wilson 95% interval] "
            "(suggestions judged). Counted: every non-empty suggestion the programmer accepted or rejected "
            "in an episode that ran to its end; FINISH rounds and rounds where the programmer failed are "
            "left out. The last row counts suggestions that only add whitespace (also in their length "
            "bucket above).",
            "",
        ]
        if self.empty:
            return lines + ["No suggestion was judged and no real log was read: nothing to compare."]
        lines += [*self._table(), ""]
        if self.silent:
            lines.append(
                "No suggestion judged (left out of the table): " + ", ".join(f"`{a}`" for a in self.silent) + "."
            )
        for log in self.logs:
            lines.append(
                f"- real: {log.name.removesuffix(' (real)')} read from `{log.path}` "
                f"({total(log.curve).shown:,} decisions of {log.participants} participants)"
            )
        if not self.logs:
            lines.append("- real: none (no log named)")  # the default, the package's copy, is always there
        if not self.agents:
            return lines
        lines += [
            "",
            "Realism gap: the mean absolute difference between the agent's acceptance rate and the real "
            "log's, bucket by bucket, weighted by the agent's judged suggestions (0 = the real curve "
            "wherever the agent suggests; docs/protocol.md §7.5). Unfinished last line: rejections the "
            "programmer would have turned into acceptances but for the suggestion's unfinished last line.",
            "",
            "| agent | "
            + "".join(f"realism gap to {log.name} | " for log in self.logs)
            + "rejections only for the unfinished last line |",
            "|---|" + "---|" * (len(self.logs) + 1),
        ]
        for a in self.agents:
            gaps = "".join(f"{'n/a' if g is None else f'{g:.3f}'} | " for g in a.gaps)
            lines.append(f"| `{a.agent}` | {gaps}{a.unfinished} of {a.rejections} |")
        return lines

    def rows(self) -> list[tuple[str, str, list[BucketRate], Rate]]:
        """(source, "agent" or "real", its curve, its whitespace-only count), agents first."""
        return [(a.agent, "agent", a.curve, a.whitespace) for a in self.agents] + [
            (log.name.removesuffix(" (real)"), "real", log.curve, log.whitespace) for log in self.logs
        ]

    def write_csv(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(CSV_FIELDS)
            for source, kind, curve, whitespace in self.rows():
                for bucket, rate in [*((c.label, c) for c in curve), ("all", total(curve)), (WHITESPACE, whitespace)]:
                    low, high = rate.interval
                    writer.writerow(
                        [
                            source,
                            kind,
                            bucket,
                            rate.accepted,
                            rate.shown,
                            "" if rate.rate is None else f"{rate.rate:.4f}",
                            _bound(low),
                            _bound(high),
                        ]
                    )

    def plot(self, path: Path) -> None:
        import matplotlib

        matplotlib.use("Agg")  # files only, no display
        import matplotlib.pyplot as plt

        figure, ax = plt.subplots(figsize=(8, 4.5))
        rows = self.rows()
        for n, (source, kind, curve, _) in enumerate(rows):
            # Side by side within a bucket, so that overlapping intervals stay readable.
            offset = (n - (len(rows) - 1) / 2) * 0.08
            # The buckets with a suggestion shown, each with its rate (None only where none was shown).
            shown = [(c, c.rate) for c in curve if c.rate is not None]
            x = [c.index + offset for c, _ in shown]
            y = [rate for _, rate in shown]
            errors = [[rate - c.interval[0] for c, rate in shown], [c.interval[1] - rate for c, rate in shown]]
            real = n - len(self.agents)  # real logs: dashed, in greys, after the agents
            style: dict[str, Any] = (
                dict(fmt="s--", color=("black", "dimgray", "darkgray")[real % 3]) if kind == "real" else dict(fmt="o-")
            )
            ax.errorbar(x, y, yerr=errors, capsize=3, label=f"{source} (real)" if kind == "real" else source, **style)
        ax.set_xticks(range(len(BUCKETS)), [bucket_label(i) for i in range(len(BUCKETS))])
        ax.set_xlabel("suggestion length (characters)")
        ax.set_ylabel("acceptance rate")
        ax.set_ylim(-0.03, 1.03)  # a rate of 0 or 1 stays visible
        ax.legend(fontsize="small")
        dashed = " and real logs (dashed)" if self.logs else ""
        ax.set_title(
            f"acceptance by length: programmer {self.human.replace('`', '')} (solid){dashed}\nWilson 95% intervals",
            fontsize="medium",
        )
        if not self.logs:
            ax.text(
                0.5,
                0.5,
                "no real log read: no real curve to compare with",
                transform=ax.transAxes,
                ha="center",
                va="center",
                color="tab:gray",
            )
        figure.tight_layout()
        figure.savefig(path, dpi=100)
        plt.close(figure)
