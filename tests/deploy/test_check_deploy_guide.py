"""Proves scripts/check-deploy-guide.py can fail: each test breaks one thing in a copy of
docs/deploy.md or the template (an aws option, an operation, a stack output, a parameter, the
image platform, shell syntax, a placeholder) and expects the check to name it. The unbroken copy
must pass."""

import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts/check-deploy-guide.py"


class CheckDeployGuideTest(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="check-deploy-guide-"))
        for rel in ("deploy", "docs/deploy.md", "Dockerfile", "scripts"):
            src, dst = ROOT / rel, self.tmp / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            (shutil.copytree if src.is_dir() else shutil.copy)(src, dst)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def edit(self, old, new):
        path = self.tmp / "docs/deploy.md"
        text = path.read_text()
        self.assertIn(old, text, f"{old!r} is no longer in docs/deploy.md: update this test")
        path.write_text(text.replace(old, new, 1))

    def run_check(self):
        return subprocess.run([sys.executable, str(self.tmp / "scripts/check-deploy-guide.py"),
                               "--root", str(self.tmp), "--quiet"], capture_output=True, text=True)

    def assertFails(self, fragment):
        r = self.run_check()
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn(fragment, r.stdout)

    def test_the_guide_as_it_is_passes(self):
        r = self.run_check()
        self.assertEqual(r.returncode, 0, r.stdout)

    def test_an_unknown_aws_option(self):
        self.edit("--image-tag-mutability IMMUTABLE", "--image-tag-mutable IMMUTABLE")
        self.assertFails("aws ecr create-repository: no option --image-tag-mutable")

    def test_an_unknown_operation(self):
        self.edit("aws ecs run-task", "aws ecs start-a-task")
        self.assertFails("aws ecs start-a-task: no such operation")

    def test_a_stack_output_the_template_lacks(self):
        self.edit("$(stack_output QueueUrl)", "$(stack_output JobQueueUrl)")
        self.assertFails("stack_output JobQueueUrl: the template has no such output")

    def test_a_parameter_the_template_lacks(self):
        self.edit("AlarmTopicArn=arn", "AlarmTopic=arn")
        self.assertFails("--parameter-overrides AlarmTopic: no such parameter")

    def test_docker_build_without_platform(self):
        self.edit("docker build --platform linux/amd64 -t runner:$TAG .", "docker build -t runner:$TAG .")
        self.assertFails("docker build without --platform")

    def test_a_variable_without_an_example_value(self):
        self.edit("--group-id $DB_SG", "--group-id $DATABASE_SG")
        self.assertFails("$DATABASE_SG has no example value")

    def test_broken_shell(self):
        self.edit("stack_output() {  # the value", "stack_output() (  # the value")
        self.assertFails("not valid shell")


if __name__ == "__main__":
    unittest.main()
