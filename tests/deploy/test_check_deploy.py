"""Proves scripts/check-deploy.py can fail: each test breaks one thing in a copy of the deployment
files (a Ref, a GetAtt, a condition, a task definition field, a value that must agree with
another, the metrics sidecar's container, configuration and grants) and expects the lint to name
it. The unbroken copy must pass."""

import importlib.util
import shutil
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("check_deploy", ROOT / "scripts/check-deploy.py")
check_deploy = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_deploy)

TEMPLATE = "deploy/cloudformation/runner.yaml"
FARGATE = "deploy/ecs/taskdef-fargate.json"
EC2 = "deploy/ecs/taskdef-ec2.json"


class CheckDeployTest(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="check-deploy-"))
        for rel in ("deploy", "docs/deploy.md", "Dockerfile", "src/service/metrics.cpp"):
            src, dst = ROOT / rel, self.tmp / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            (shutil.copytree if src.is_dir() else shutil.copy)(src, dst)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def edit(self, rel, old, new, count=1):
        path = self.tmp / rel
        text = path.read_text()
        self.assertIn(old, text, f"{old!r} is no longer in {rel}: update this test")
        path.write_text(text.replace(old, new, count))

    def assertFails(self, *fragments):
        errors = check_deploy.check(self.tmp).errors
        self.assertTrue(errors, "the lint passed a broken copy")
        for fragment in fragments:
            self.assertTrue(any(fragment in e for e in errors),
                            f"no error mentions {fragment!r}; errors: {errors}")

    def test_unbroken_copy_passes(self):
        self.assertEqual(check_deploy.check(self.tmp).errors, [])

    def test_broken_ref(self):
        self.edit(TEMPLATE, "Value: !Ref JobQueue\n", "Value: !Ref JobQueu\n")
        self.assertFails("Ref JobQueu is not a parameter")

    def test_broken_getatt_attribute(self):
        self.edit(TEMPLATE, "!GetAtt JobQueue.QueueName", "!GetAtt JobQueue.Name")
        self.assertFails("AWS::SQS::Queue has no attribute Name")

    def test_broken_sub_variable(self):
        self.edit(TEMPLATE, '!Sub "${DbSecretArn}:password::"', '!Sub "${DbSecret}:password::"')
        self.assertFails("Ref DbSecret is not a parameter")

    def test_unknown_condition(self):
        self.edit(TEMPLATE, "Condition: UseEc2\n", "Condition: UseEC2\n")
        self.assertFails("unknown condition UseEC2")

    def test_conditional_resource_referenced_unguarded(self):
        self.edit(TEMPLATE, "Value: !If [UseEc2, !Ref ClusterCapacityProviders, fargate]",
                  "Value: !Ref ClusterCapacityProviders")
        self.assertFails("ClusterCapacityProviders exists only when UseEc2 holds")

    def test_unknown_resource_type_and_property(self):
        self.edit(TEMPLATE, "Type: AWS::Logs::LogGroup", "Type: AWS::Logs::LogGrp")
        self.edit(TEMPLATE, "ReceiveMessageWaitTimeSeconds: 20", "WaitTimeSeconds: 20")
        self.assertFails("unknown resource type AWS::Logs::LogGrp",
                         "AWS::SQS::Queue has no property WaitTimeSeconds")

    def test_unused_parameter(self):
        self.edit(TEMPLATE, "Parameters:\n", "Parameters:\n  Spare:\n    Type: String\n")
        self.assertFails("Parameters.Spare: never used")

    def test_task_definition_unknown_and_missing_fields(self):
        self.edit(FARGATE, '"essential": true,', '"essentail": true,')
        self.edit(FARGATE, '"family": "runner-fargate",', "")
        self.assertFails("unknown field essentail", "required field family is missing")

    def test_task_definition_wrong_type_and_enum(self):
        self.edit(FARGATE, '"stopTimeout": 120', '"stopTimeout": "120"')
        self.edit(FARGATE, '"networkMode": "awsvpc"', '"networkMode": "vpc"')
        self.assertFails("expected an integer", "'vpc' is not one of")

    def test_json_and_template_disagree(self):
        self.edit(EC2, '"cpu": "2048"', '"cpu": "1024"')
        self.assertFails("'1024' in the JSON file, '2048' in the template")

    def test_stop_timeout_shorter_than_grace(self):
        for rel, old, new in ((FARGATE, '"105000"', '"115000"'), (EC2, '"105000"', '"115000"'),
                              (TEMPLATE, 'Value: "105000"', 'Value: "115000"')):
            self.edit(rel, old, new, count=2)
        self.assertFails("stopTimeout 120 s < RUNNER_SHUTDOWN_GRACE_MS 115000 ms")

    def test_visibility_and_redrive_against_env(self):
        self.edit(TEMPLATE, "VisibilityTimeout: 180", "VisibilityTimeout: 120")
        self.edit(TEMPLATE, "maxReceiveCount: 20", "maxReceiveCount: 10")
        self.assertFails("VisibilityTimeout 120 must be >= RUNNER_TIMEOUT_MS / 1000 + 60 = 180",
                         "maxReceiveCount 10 must be >= max(20, RUNNER_MAX_ATTEMPTS + 1) = 20")

    def test_fargate_capabilities(self):
        self.edit(FARGATE, '"AUDIT_WRITE", ', "")
        self.edit(TEMPLATE, "Drop: [AUDIT_WRITE, ", "Drop: [")
        self.assertFails("sandbox basic uses exactly")

    def test_task_role_wider_than_needed(self):
        self.edit(TEMPLATE, "- sqs:GetQueueAttributes\n", "- sqs:GetQueueAttributes\n"
                  "                  - sqs:SendMessage\n")
        self.assertFails("TaskRole: grants")

    def test_results_prefix_against_task_role(self):
        self.edit(TEMPLATE, "${Bucket}/results/*", "${Bucket}/output/*")
        self.assertFails("s3:PutObject must be limited to /results/*")

    def test_dockerfile_runs_as_root(self):
        self.edit("Dockerfile", "USER 10001:10001", "USER root")
        self.assertFails("must run as a non-root USER")

    def test_sidecar_not_opt_in(self):
        self.edit(TEMPLATE, 'Default: "false"', 'Default: "true"')
        self.assertFails("the sidecar is opt-in")

    def test_sidecar_essential(self):
        self.edit(TEMPLATE, "Essential: false", "Essential: true", count=2)
        self.assertFails("must be essential: false")

    def test_sidecar_image_latest(self):
        self.edit(TEMPLATE, "cloudwatch-agent:1.300062.0b1304", "cloudwatch-agent:latest")
        self.assertFails("must be pinned to a version")

    def test_sidecar_without_memory_limit(self):
        self.edit(TEMPLATE, "            Memory: 256\n", "", count=2)
        self.assertFails("needs a memory limit")

    def test_sidecars_differ(self):
        self.edit(TEMPLATE, "            Cpu: 128\n", "            Cpu: 256\n")
        self.assertFails("its metrics sidecar differs from FargateTaskDefinition's in cpu")

    def test_sidecar_scrape_port_against_env(self):
        self.edit(TEMPLATE, '"127.0.0.1:8080"', '"127.0.0.1:9090"', count=2)
        self.assertFails("scrape target 127.0.0.1:9090 must be 127.0.0.1:8080")

    def test_sidecar_unknown_agent_key(self):
        self.edit(TEMPLATE, '"metric_namespace": "Runner"', '"namespace": "Runner"', count=2)
        self.assertFails("has an unknown key namespace", "metric_namespace must be set")

    def test_sidecar_other_log_group(self):
        self.edit(TEMPLATE, '"log_group_name": "${LogGroup}"', '"log_group_name": "/ecs/other"',
                  count=2)
        self.assertFails("log_group_name must be ${LogGroup}")

    def test_sidecar_selects_a_metric_the_runner_lacks(self):
        self.edit(TEMPLATE, '"^runner_jobs_in_flight$"', '"^runner_jobs_inflight$"', count=2)
        self.assertFails("'^runner_jobs_inflight$' matches no metric the runner exports",
                         "exports the gauge runner_jobs_in_flight, but no metric_selectors")

    def test_sidecar_selects_a_histogram(self):
        self.edit(TEMPLATE, '"^runner_failed_attempts_total$"]',
                  '"^runner_failed_attempts_total$", "^runner_job_duration_seconds_sum$"]',
                  count=2)
        self.assertFails("the CloudWatch agent drops histograms")

    def test_sidecar_dimension_not_a_label(self):
        self.edit(TEMPLATE, '"dimensions": [["ClusterName"]],',
                  '"dimensions": [["ClusterName", "status"]],', count=2)
        self.assertFails("dimension status is not a label of runner_jobs_in_flight")

    def test_sidecar_misses_a_new_runner_metric(self):
        self.edit("src/service/metrics.cpp", '  single(out, "runner_jobs_in_flight"',
                  '  single(out, "runner_new_total", "counter", "New.", 0);\n'
                  '  single(out, "runner_jobs_in_flight"')
        self.assertFails("exports the counter runner_new_total, but no metric_selectors")

    def test_sidecar_grants_put_metric_data(self):
        self.edit(TEMPLATE, "                    - logs:DescribeLogStreams\n",
                  "                    - logs:DescribeLogStreams\n"
                  "                    - cloudwatch:PutMetricData\n")
        self.assertFails("the agent needs exactly")

    def test_sidecar_writes_any_stream(self):
        self.edit(TEMPLATE, "log-stream:runner-metrics", "log-stream:*")
        self.assertFails("logs:PutLogEvents allows the streams ['*']")

    def test_sidecar_grants_without_its_condition(self):
        self.edit(TEMPLATE, "- WithMetricsSidecar\n          - PolicyName: metrics-sidecar",
                  "- HasAlarmTopic\n          - PolicyName: metrics-sidecar")
        self.assertFails("TaskRole: grants")


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
