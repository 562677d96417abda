"""A stand-in for `python -m reproductions` that follows the recipe contract, for queue tests.

Config fields: behaviour (ok | fail | no-result | hang), steps, step_s. It checkpoints after
every step, resumes from the checkpoint, and logs each start and completion to executions.log.
"""

import json
import sys
import time
from pathlib import Path


def main() -> int:
    """Run `run --config FILE --workdir DIR`."""
    args = dict(zip(sys.argv[2::2], sys.argv[3::2], strict=False))
    config = json.loads(Path(args["--config"]).read_text())
    workdir = Path(args["--workdir"])
    ckpt = workdir / "checkpoints" / "step.txt"
    ckpt.parent.mkdir(parents=True, exist_ok=True)
    start = int(ckpt.read_text()) if ckpt.exists() else 0
    executions = workdir / "executions.log"
    with executions.open("a") as fh:
        fh.write(f"start {start}\n")
    behaviour, steps = config.get("behaviour", "ok"), int(config.get("steps", 3))
    events = (workdir / "events.jsonl").open("a")
    if behaviour == "hang":
        time.sleep(3600)
    for step in range(start + 1, steps + 1):
        time.sleep(float(config.get("step_s", 0.0)))
        events.write(
            json.dumps({"t": time.time(), "type": "progress", "step": step, "total": steps})
        )
        events.write("\n")
        events.flush()
        ckpt.write_text(str(step))
    if behaviour == "fail":
        (workdir / "error.txt").write_text("run failed: ValueError: the recipe broke on purpose\n")
        print("about to fail", flush=True)
        return 3
    if behaviour == "no-result":
        return 0
    value = 0.5 + 0.01 * int(config.get("seed", 0))
    events.write(json.dumps({"type": "metric", "name": "score", "value": value, "step": steps}))
    events.write("\n")
    events.close()
    result = {"metrics": {"score": value}, "provenance": {"resumed_from": start}}
    (workdir / "result.json").write_text(json.dumps(result))
    with executions.open("a") as fh:
        fh.write("completed\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
