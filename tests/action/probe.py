#!/usr/bin/python3
"""Stands in for /usr/local/bin/self-heal in scripts/act-smoke.sh (probe mode).

It is exec'd by the real entrypoint.sh inside the real image, and reports
what the binary would receive from the runner: inputs, event, workspace,
network reach, and it writes outputs and a summary the way the binary must.
Secret-looking inputs are reported as <set>/<empty>, never printed.
"""
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request


def say(line):
    print(f"probe: {line}", flush=True)


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code  # the plain server answers 404: it was reached
    except OSError as err:
        return f"unreachable ({err})"


say("args=" + " ".join(sys.argv[1:]))
for key in sorted(k for k in os.environ if k.startswith("INPUT_")):
    value = os.environ[key]
    if "TOKEN" in key or "KEY" in key:
        value = "<set>" if value else "<empty>"
    say(f"{key}={value}")

with open(os.environ["GITHUB_EVENT_PATH"], encoding="utf-8") as f:
    run = json.load(f)["workflow_run"]
say(f"event run id={run['id']} conclusion={run['conclusion']}")

workspace = os.environ.get("GITHUB_WORKSPACE", "")
git = subprocess.run(["git", "-C", workspace, "rev-parse", "HEAD"], capture_output=True, text=True)
say(f"workspace={workspace} git HEAD={git.stdout.strip() or git.stderr.strip()}")
say(f"git HEAD={git.stdout.strip()}")

# The fix branch is pushed with plain git to the checkout's origin.
push = subprocess.run(
    ["git", "-C", workspace, "push", "-q", "origin", f"HEAD:refs/heads/self-heal/{run['id']}-probe"],
    capture_output=True, text=True)
say(f"push rc={push.returncode} {push.stderr.strip()}".rstrip())

api = os.environ.get("GITHUB_API_URL", "")
repo = os.environ.get("GITHUB_REPOSITORY", "")
say(f"GITHUB_API_URL={api} GITHUB_REPOSITORY={repo}")
run_id = run["id"]
say(f"api status={get(f'{api}/repos/{repo}/actions/runs/{run_id}')}")
llm = os.environ.get("INPUT_OPENAI-BASE-URL", "")
say(f"llm status={get(f'{llm}/models')}")

temp = os.environ.get("RUNNER_TEMP") or "/tmp"
report = os.path.join(temp, "self-heal", "report.json")
os.makedirs(os.path.dirname(report), exist_ok=True)
with open(report, "w", encoding="utf-8") as f:
    json.dump({"status": "probe-ok"}, f)
patch = os.path.join(temp, "self-heal", "fix.patch")
open(patch, "w", encoding="utf-8").close()

# Multiline values use the heredoc form, with a delimiter not in the value.
with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as f:
    f.write("status=probe-ok\n")
    f.write(f"report={report}\n")
    f.write(f"patch={patch}\n")
    f.write("diagnosis<<SELF_HEAL_EOF_1f3a\nfirst line of the diagnosis\nsecond line\nSELF_HEAL_EOF_1f3a\n")
with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as f:
    f.write("## self-heal probe\n\nall plumbing reached\n")
say("outputs written")
