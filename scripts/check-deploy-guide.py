#!/usr/bin/env python3
"""Follows docs/deploy.md without an AWS account: every shell block it shows, rendered with
example values, must be valid shell; every `aws` command must name an operation and options the
AWS CLI has (from the service models botocore ships, plus the CLI's own commands); every stack
output and parameter the guide uses must exist in the template; every `docker build` must pin
the platform; and the template must pass scripts/check-deploy.py. Prints the rendered commands.

Usage: scripts/check-deploy-guide.py [--root DIR] [--quiet]     Exits 1 naming every problem.
"""

import argparse
import re
import shlex
import subprocess
import sys
from pathlib import Path

import botocore.session
import yaml

# What the guide's commands get for their variables (the first-deploy checklist's examples).
EXAMPLE = {"ACCOUNT": "123456789012", "REGION": "eu-west-1", "TAG": "1a2b3c4",
           "DB_SG": "sg-0db", "AWS_S3_BUCKET": "runner-submissions",
           "AWS_SQS_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/runner-jobs",
           "DATABASE_URL": "postgresql://runner:pw@db:5432/runner", "RUNNER_HTTP_PORT": "8080"}

# The AWS CLI's own commands (not operations of a service model), with the options they take.
CLI_COMMANDS = {
    ("cloudformation", "deploy"): {"stack-name", "template-file", "capabilities",
                                   "parameter-overrides", "no-execute-changeset", "tags"},
    ("ecr", "get-login-password"): set(),
    ("s3", "cp"): {"recursive"},
}
# Options the CLI adds to a service operation (its "customizations").
CLI_EXTRA_OPTIONS = {
    ("ec2", "authorize-security-group-ingress"): {"protocol", "port", "cidr", "source-group",
                                                  "group-owner"},
}
GLOBAL_OPTIONS = {"query", "output", "region", "profile", "endpoint-url", "no-cli-pager"}


class Cfn(yaml.SafeLoader):
    pass


Cfn.add_multi_constructor("!", lambda loader, suffix, node: None)


def shell_blocks(text):
    return re.findall(r"```sh\n(.*?)```", text, re.S)


def render(block, outputs):
    def stack_output(m):
        name = m.group(1)
        if name not in outputs:
            problems.append(f"stack_output {name}: the template has no such output")
        return f"example-{name}"
    text = re.sub(r"\$\(stack_output (\w+)\)", stack_output, block)
    text = re.sub(r"\$\(git rev-parse --short HEAD\)", EXAMPLE["TAG"], text)
    for name, value in EXAMPLE.items():
        text = re.sub(r"\$\{?" + name + r"\b\}?", value, text)
    return text


def commands(block):
    joined = re.sub(r"\\\n\s*", " ", block)
    for line in joined.splitlines():
        line = line.split(" # ")[0].strip() if not line.strip().startswith("#") else ""
        if line:
            yield line


def check_aws(words, models):
    for end, word in enumerate(words):
        if word in ("|", "&&", ";", "||"):
            words = words[:end]
            break
    if len(words) < 3:
        return
    service, op = words[1], words[2]
    options = {w[2:].split("=")[0] for w in words[3:] if w.startswith("--")}
    if (service, op) in CLI_COMMANDS:
        known = CLI_COMMANDS[(service, op)]
    else:
        model = models.get(service)
        if model is None:
            problems.append(f"aws {service}: no such service")
            return
        name = "".join(p.capitalize() for p in op.split("-"))
        names = {o.lower(): o for o in model.operation_names}
        if name.lower() not in names:
            problems.append(f"aws {service} {op}: no such operation")
            return
        shape = model.operation_model(names[name.lower()]).input_shape
        known = {re.sub(r"(?<!^)(?=[A-Z])", "-", m).lower() for m in (shape.members if shape else {})}
        known |= CLI_EXTRA_OPTIONS.get((service, op), set())
    for option in sorted(options - known - GLOBAL_OPTIONS):
        problems.append(f"aws {service} {op}: no option --{option}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    root = Path(args.root)
    template = yaml.load((root / "deploy/cloudformation/runner.yaml").read_text(), Loader=Cfn)
    outputs, parameters = set(template["Outputs"]), set(template["Parameters"])
    session = botocore.session.get_session()
    models = {}
    for service in ("ecr", "ecs", "cloudformation", "secretsmanager", "ec2", "sns", "sqs", "s3"):
        models[service] = session.get_service_model(service)
    for number, block in enumerate(shell_blocks((root / "docs/deploy.md").read_text()), 1):
        rendered = render(block, outputs)
        syntax = subprocess.run(["bash", "-n"], input=rendered, text=True, capture_output=True)
        if syntax.returncode != 0:
            problems.append(f"block {number}: not valid shell: {syntax.stderr.strip()}")
        for leftover in re.findall(r"\$\{?[A-Z][A-Z_]+\}?", rendered):
            problems.append(f"block {number}: {leftover} has no example value")
        if "..." in rendered.replace("…", ""):
            problems.append(f"block {number}: a '...' placeholder")
        for command in commands(rendered):
            if not args.quiet:
                print(f"[{number}] {command}")
            try:
                words = shlex.split(command)
            except ValueError as e:
                problems.append(f"block {number}: {e}: {command}")
                continue
            if words[:1] == ["aws"]:
                check_aws(words, models)
                if words[1:3] == ["cloudformation", "deploy"] and "--parameter-overrides" in words:
                    start = words.index("--parameter-overrides") + 1
                    for item in words[start:]:
                        if item.startswith("--"):
                            break
                        key = item.split("=")[0]
                        if key not in parameters:
                            problems.append(f"--parameter-overrides {key}: no such parameter")
            if words[:2] == ["docker", "build"] and "--platform" not in words:
                problems.append(f"block {number}: docker build without --platform: {command}")
    lint = subprocess.run([sys.executable, str(root / "scripts/check-deploy.py"), "--root", str(root)],
                          capture_output=True, text=True)
    if lint.returncode != 0:
        problems.append("scripts/check-deploy.py: " + lint.stdout.strip() + lint.stderr.strip())
    for p in problems:
        print("✗ " + p)
    print(f"check-deploy-guide: {len(problems)} problems")
    return 1 if problems else 0


problems = []
if __name__ == "__main__":
    sys.exit(main())
