#!/usr/bin/env python3
"""Lints Runner's deployment files without an AWS account.

Checks, and exits 1 naming every problem found:
  * deploy/cloudformation/runner.yaml: every resource Type is one this file knows (a list kept
    from the CloudFormation resource reference), with only properties that type has; every Ref,
    GetAtt and ${...} in a Sub resolves to a parameter, resource, pseudo parameter or an attribute
    of that resource type; every condition used exists; a resource that has a condition is only
    referenced where that condition is known to hold (inside the true branch of an Fn::If on it,
    or from a resource or output with the same condition); every parameter is used; outputs
    resolve.
  * deploy/ecs/taskdef-*.json, and the task definitions inside the template: the shape of ECS's
    RegisterTaskDefinition input, from the service model botocore ships (every required field,
    no unknown one, the right types and enum values).
  * The template's container definitions match the standalone JSON files field by field (the
    image, the family and values that are placeholders or intrinsic functions aside, which must
    be dynamic on both sides).
  * The values that must agree: queue visibility against RUNNER_TIMEOUT_MS, maxReceiveCount
    against RUNNER_MAX_ATTEMPTS, stopTimeout against RUNNER_SHUTDOWN_GRACE_MS (and Fargate's
    120 s cap), task memory against RUNNER_CONCURRENCY * RUNNER_MEMORY_MB, the results prefix
    against the task role, capabilities against what the sandbox level uses, the Dockerfile's
    user, stop signal, health check and file capabilities.
  * The opt-in metrics sidecar (Parameters.MetricsSidecar, condition WithMetricsSidecar): the
    CloudWatch agent container it adds to both task definitions (identical in the two) is not
    essential, has a memory limit that still fits the task, logs to the stack's log group, and
    runs a pinned image (not latest); its scrape configuration targets 127.0.0.1:RUNNER_HTTP_PORT;
    its agent configuration uses only keys the agent's schema allows, and every metric_selectors
    pattern selects metrics src/service/metrics*.cpp exports, none of them a histogram (the
    agent drops those), with dimensions that are labels of those metrics; every counter and gauge
    the runner exports is selected. The task role gains exactly what the agent needs (writing its
    log stream), and only under the condition.

Usage: scripts/check-deploy.py [--root DIR]   (DIR: the repository, default this script's parent)
Needs PyYAML (Debian: python3-yaml) and botocore (python3-botocore), both from scripts/install.sh.
"""

import argparse
import itertools
import json
import math
import re
import shlex
import sys
from pathlib import Path

import botocore.session
import yaml

# ---- what the checks know -----------------------------------------------------------------------

# Resource types this template may use, with their GetAtt attributes and their properties (from
# the CloudFormation resource reference). A type not listed here is an error: add it, with its
# attributes and properties from the reference, when the template needs it.
RESOURCE_TYPES = {
    "AWS::ApplicationAutoScaling::ScalableTarget": (
        {"Id"},
        {"MaxCapacity", "MinCapacity", "ResourceId", "RoleARN", "ScalableDimension",
         "ScheduledActions", "ServiceNamespace", "SuspendedState"}),
    "AWS::ApplicationAutoScaling::ScalingPolicy": (
        {"Arn"},
        {"PolicyName", "PolicyType", "ResourceId", "ScalableDimension", "ScalingTargetId",
         "ServiceNamespace", "StepScalingPolicyConfiguration",
         "TargetTrackingScalingPolicyConfiguration"}),
    "AWS::AutoScaling::AutoScalingGroup": (
        set(),
        {"AutoScalingGroupName", "AvailabilityZones", "CapacityRebalance", "Context", "Cooldown",
         "DefaultInstanceWarmup", "DesiredCapacity", "DesiredCapacityType",
         "HealthCheckGracePeriod",
         "HealthCheckType", "InstanceId", "LaunchConfigurationName", "LaunchTemplate",
         "LifecycleHookSpecificationList", "LoadBalancerNames", "MaxInstanceLifetime", "MaxSize",
         "MetricsCollection", "MinSize", "MixedInstancesPolicy", "NewInstancesProtectedFromScaleIn",
         "NotificationConfigurations", "PlacementGroup", "ServiceLinkedRoleARN", "Tags",
         "TargetGroupARNs", "TerminationPolicies", "VPCZoneIdentifier"}),
    "AWS::CloudWatch::Alarm": (
        {"Arn"},
        {"ActionsEnabled", "AlarmActions", "AlarmDescription", "AlarmName", "ComparisonOperator",
         "DatapointsToAlarm", "Dimensions", "EvaluateLowSampleCountPercentile",
         "EvaluationPeriods", "ExtendedStatistic", "InsufficientDataActions", "MetricName",
         "Metrics", "Namespace", "OKActions", "Period", "Statistic", "Threshold",
         "ThresholdMetricId", "TreatMissingData", "Unit"}),
    "AWS::EC2::LaunchTemplate": (
        {"DefaultVersionNumber", "LatestVersionNumber", "LaunchTemplateId"},
        {"LaunchTemplateData", "LaunchTemplateName", "TagSpecifications", "VersionDescription"}),
    "AWS::EC2::SecurityGroup": (
        {"GroupId", "VpcId"},
        {"GroupDescription", "GroupName", "SecurityGroupEgress", "SecurityGroupIngress", "Tags",
         "VpcId"}),
    "AWS::ECS::CapacityProvider": (
        set(), {"AutoScalingGroupProvider", "Name", "Tags"}),
    "AWS::ECS::Cluster": (
        {"Arn"},
        {"CapacityProviders", "ClusterName", "ClusterSettings", "Configuration",
         "DefaultCapacityProviderStrategy", "ServiceConnectDefaults", "Tags"}),
    "AWS::ECS::ClusterCapacityProviderAssociations": (
        set(), {"CapacityProviders", "Cluster", "DefaultCapacityProviderStrategy"}),
    "AWS::ECS::Service": (
        {"Name", "ServiceArn"},
        {"CapacityProviderStrategy", "Cluster", "DeploymentConfiguration", "DeploymentController",
         "DesiredCount", "EnableECSManagedTags", "EnableExecuteCommand",
         "HealthCheckGracePeriodSeconds", "LaunchType", "LoadBalancers", "NetworkConfiguration",
         "PlacementConstraints", "PlacementStrategies", "PlatformVersion", "PropagateTags", "Role",
         "SchedulingStrategy", "ServiceConnectConfiguration", "ServiceName", "ServiceRegistries",
         "Tags", "TaskDefinition"}),
    "AWS::ECS::TaskDefinition": (
        {"TaskDefinitionArn"},
        {"ContainerDefinitions", "Cpu", "EphemeralStorage", "ExecutionRoleArn", "Family",
         "InferenceAccelerators", "IpcMode", "Memory", "NetworkMode", "PidMode",
         "PlacementConstraints", "ProxyConfiguration", "RequiresCompatibilities",
         "RuntimePlatform", "Tags", "TaskRoleArn", "Volumes"}),
    "AWS::IAM::InstanceProfile": (
        {"Arn"}, {"InstanceProfileName", "Path", "Roles"}),
    "AWS::IAM::Role": (
        {"Arn", "RoleId"},
        {"AssumeRolePolicyDocument", "Description", "ManagedPolicyArns", "MaxSessionDuration",
         "Path", "PermissionsBoundary", "Policies", "RoleName", "Tags"}),
    "AWS::Logs::LogGroup": (
        {"Arn"},
        {"DataProtectionPolicy", "KmsKeyId", "LogGroupClass", "LogGroupName", "RetentionInDays",
         "Tags"}),
    "AWS::S3::Bucket": (
        {"Arn", "DomainName", "DualStackDomainName", "RegionalDomainName", "WebsiteURL"},
        {"AccelerateConfiguration", "AccessControl", "AnalyticsConfigurations",
         "BucketEncryption", "BucketName", "CorsConfiguration",
         "IntelligentTieringConfigurations", "InventoryConfigurations",
         "LifecycleConfiguration", "LoggingConfiguration", "MetricsConfigurations",
         "NotificationConfiguration", "ObjectLockConfiguration", "ObjectLockEnabled",
         "OwnershipControls", "PublicAccessBlockConfiguration", "ReplicationConfiguration",
         "Tags", "VersioningConfiguration", "WebsiteConfiguration"}),
    "AWS::S3::BucketPolicy": (set(), {"Bucket", "PolicyDocument"}),
    "AWS::SNS::Topic": ({"TopicArn", "TopicName"},
                        {"DisplayName", "KmsMasterKeyId", "Subscription", "Tags", "TopicName"}),
    "AWS::SQS::Queue": (
        {"Arn", "QueueName", "QueueUrl"},
        {"ContentBasedDeduplication", "DeduplicationScope", "DelaySeconds", "FifoQueue",
         "FifoThroughputLimit", "KmsDataKeyReusePeriodSeconds", "KmsMasterKeyId",
         "MaximumMessageSize", "MessageRetentionPeriod", "QueueName",
         "ReceiveMessageWaitTimeSeconds", "RedriveAllowPolicy", "RedrivePolicy",
         "SqsManagedSseEnabled", "Tags", "VisibilityTimeout"}),
}
RESOURCE_KEYS = {"Type", "Properties", "Condition", "DependsOn", "DeletionPolicy",
                 "UpdateReplacePolicy", "Metadata", "CreationPolicy", "UpdatePolicy"}
TEMPLATE_KEYS = {"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Mappings",
                 "Conditions", "Transform", "Resources", "Outputs", "Rules"}
PSEUDO_PARAMETERS = {"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
                     "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"}
PARAMETER_TYPES = re.compile(
    r"^(String|Number|CommaDelimitedList|List<Number>|AWS::EC2::[A-Za-z:]+::(Id|Name)"
    r"|List<AWS::EC2::[A-Za-z:]+::(Id|Name)>|AWS::SSM::Parameter::(Name|Value<.+>))$")

# The short-form tags YAML templates use, and the long form each stands for.
SHORT_TAGS = {"Ref": "Ref", "Condition": "Condition", **{
    name: "Fn::" + name for name in ("Base64", "Cidr", "Equals", "FindInMap", "GetAtt", "GetAZs",
                                     "If", "ImportValue", "Join", "Not", "And", "Or", "Select",
                                     "Split", "Sub", "Transform", "Length", "ToJsonString")}}

# Docker's default capability set (what an ECS container has before add/drop).
DOCKER_DEFAULT_CAPS = {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
                       "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID",
                       "SYS_CHROOT"}
# What the runner at sandbox level `basic` uses (docs/deploy.md): switch to the slot uids
# (SETUID, SETGID), chown the job folder to them and back (CHOWN), read it back whatever modes
# the job left (DAC_OVERRIDE), remove the uid's files from sticky /tmp (FOWNER), kill its
# processes (KILL). Nothing more is kept.
BASIC_CAPS = {"CHOWN", "DAC_OVERRIDE", "FOWNER", "KILL", "SETGID", "SETUID"}
FARGATE_ADDABLE_CAPS = {"SYS_PTRACE"}
FARGATE_MAX_STOP_TIMEOUT = 120
# Time after the grace period for the runner to return unfinished jobs (SQS + PostgreSQL) and exit.
SHUTDOWN_MARGIN_MS = 15000
# Time a job needs beyond RUNNER_TIMEOUT_MS: download, upload, the verdict's database retries.
# Receives a message may use before the DLQ: retries back off 5 s, 10 s ... 15 min, so 20 is
# about 3 hours of a fault a job meets on its own (docs/service.md, Dead-letter queue).
MIN_RECEIVES = 20
VISIBILITY_MARGIN_S = 60
# Memory the runner itself and the JVMs' overhead need beyond the jobs' RUNNER_MEMORY_MB.
RUNNER_OVERHEAD_MB = 1024
# The template's task definition resource for each standalone file.
VARIANTS = {"fargate": "FargateTaskDefinition", "ec2": "Ec2TaskDefinition"}
PLACEHOLDER = re.compile(r"\$\{([A-Z0-9_]+)\}")

# The opt-in CloudWatch agent sidecar: the parameter that turns it on, the condition the template
# puts it under, and where the runner's metrics are defined.
SIDECAR_PARAMETER, SIDECAR_CONDITION = "MetricsSidecar", "WithMetricsSidecar"
RUNNER_CONTAINER = "runner"
METRICS_SOURCES = "src/service/metrics*.cpp"
# The keys the CloudWatch agent's configuration schema allows in the sections the sidecar uses;
# the agent refuses a configuration with any other key there.
AGENT_KEYS = {
    "agent": {"metrics_collection_interval", "logfile", "region", "debug", "aws_sdk_log_level",
              "credentials", "omit_hostname"},
    "logs": {"logs_collected", "metrics_collected", "log_stream_name", "force_flush_interval",
             "credentials", "endpoint_override", "concurrency"},
    "prometheus": {"cluster_name", "log_group_name", "prometheus_config_path", "emf_processor",
                   "ecs_service_discovery", "disable_metric_extraction"},
    "emf_processor": {"metric_declaration_dedup", "metric_namespace", "metric_unit",
                      "metric_declaration"},
    "metric_declaration": {"source_labels", "label_matcher", "label_separator",
                           "metric_selectors", "dimensions"},
}
# Prometheus types the agent turns into CloudWatch metrics; it drops histograms (and untyped).
AGENT_METRIC_TYPES = {"counter", "gauge", "summary"}
# Labels every series the agent scrapes carries: the scrape's own two and the cluster it adds.
AGENT_LABELS = {"job", "instance", "ClusterName"}
# What the task role must add for the agent: its metrics travel as log events (embedded metric
# format) to one log stream, so no cloudwatch:PutMetricData.
SIDECAR_ACTIONS = {"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"}
NO_VALUE = {"Ref": "AWS::NoValue"}


class Problems:
    """Collects failed checks; `check` counts every check made. `notes`: checks skipped."""

    def __init__(self):
        self.errors, self.notes, self.count = [], [], 0

    def check(self, ok, message):
        self.count += 1
        if not ok:
            self.errors.append(message)
        return ok


# ---- the template -------------------------------------------------------------------------------

class TemplateLoader(yaml.SafeLoader):
    """PyYAML loader that turns CloudFormation's short tags (!Ref, !Sub...) into their long form."""


def _short_tag(long_name):
    def construct(loader, node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if long_name == "Fn::GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {long_name: value}
    return construct


for _tag, _long in SHORT_TAGS.items():
    TemplateLoader.add_constructor("!" + _tag, _short_tag(_long))


def is_intrinsic(value):
    return (isinstance(value, dict) and len(value) == 1 and
            next(iter(value)) in set(SHORT_TAGS.values()))


def is_dynamic(value):
    return is_intrinsic(value) or (isinstance(value, str) and PLACEHOLDER.search(value))


def resolve_if(value, truth):
    """`value` with each Fn::If on a condition in `truth` (name -> bool) replaced by the branch
    that condition picks, and AWS::NoValue dropped from the lists and objects that hold it."""
    if isinstance(value, list):
        return [v for v in (resolve_if(item, truth) for item in value) if v != NO_VALUE]
    if not isinstance(value, dict):
        return value
    branches = value.get("Fn::If") if len(value) == 1 else None
    if isinstance(branches, list) and len(branches) == 3:
        cond, then, other = branches
        if cond in truth:
            return resolve_if(then if truth[cond] else other, truth)
        return {"Fn::If": [cond, resolve_if(then, truth), resolve_if(other, truth)]}
    resolved = {key: resolve_if(item, truth) for key, item in value.items()}
    return {key: item for key, item in resolved.items() if item != NO_VALUE}


def sub_text(value):
    """The text of a string or of an Fn::Sub (its local variables that are themselves strings or
    Fn::Subs written in); None for anything else."""
    if isinstance(value, str):
        return value
    if not (isinstance(value, dict) and list(value) == ["Fn::Sub"]):
        return None
    arg = value["Fn::Sub"]
    if isinstance(arg, str):
        return arg
    text = arg[0]
    for name, local in arg[1].items():
        inner = sub_text(local)
        if inner is not None:
            text = text.replace("${" + name + "}", inner)
    return text


def sub_names(text):
    """The ${Name} and ${Name.Attr} references of an Fn::Sub string (${!...} is a literal)."""
    return [m for m in re.findall(r"\$\{([^}]*)\}", text) if not m.startswith("!")]


class TemplateChecker:
    """Checks one parsed template's structure and references."""

    def __init__(self, template, problems):
        self.t, self.p = template, problems
        self.params = template.get("Parameters", {}) or {}
        self.resources = template.get("Resources", {}) or {}
        self.conditions = template.get("Conditions", {}) or {}
        self.used_params = set()

    def run(self):
        p = self.p
        for key in self.t:
            p.check(key in TEMPLATE_KEYS, f"template: unknown top-level section {key}")
        p.check(bool(self.resources), "template: no Resources")
        for name, param in self.params.items():
            p.check(bool(PARAMETER_TYPES.match(str(param.get("Type", "")))),
                    f"Parameters.{name}: unknown Type {param.get('Type')!r}")
            allowed = param.get("AllowedValues")
            if allowed is not None and "Default" in param:
                p.check(str(param["Default"]) in [str(a) for a in allowed],
                        f"Parameters.{name}: Default {param['Default']!r} not in AllowedValues")
        for name, body in self.conditions.items():
            self.walk(body, f"Conditions.{name}", set(), set(), in_conditions=True)
        for name, res in self.resources.items():
            where = f"Resources.{name}"
            if not p.check(isinstance(res, dict) and "Type" in res, f"{where}: no Type"):
                continue
            for key in res:
                p.check(key in RESOURCE_KEYS, f"{where}: unknown resource key {key}")
            rtype = res["Type"]
            if p.check(rtype in RESOURCE_TYPES, f"{where}: unknown resource type {rtype}"):
                props = res.get("Properties", {}) or {}
                for prop in props:
                    p.check(prop in RESOURCE_TYPES[rtype][1],
                            f"{where}.Properties: {rtype} has no property {prop}")
            known = set()
            if "Condition" in res:
                if p.check(res["Condition"] in self.conditions,
                           f"{where}: unknown condition {res['Condition']}"):
                    known.add(res["Condition"])
            depends = res.get("DependsOn", [])
            for dep in [depends] if isinstance(depends, str) else depends:
                p.check(dep in self.resources, f"{where}.DependsOn: unknown resource {dep}")
                self.check_guarded(dep, f"{where}.DependsOn", known)
            self.walk(res.get("Properties", {}), where, known, set())
        for name, out in (self.t.get("Outputs", {}) or {}).items():
            known = set()
            if "Condition" in out:
                if self.p.check(out["Condition"] in self.conditions,
                                f"Outputs.{name}: unknown condition {out['Condition']}"):
                    known.add(out["Condition"])
            p.check("Value" in out, f"Outputs.{name}: no Value")
            self.walk(out.get("Value"), f"Outputs.{name}", known, set())
        for name in self.params:
            p.check(name in self.used_params, f"Parameters.{name}: never used")

    def check_guarded(self, resource, where, known_true):
        """A resource with a condition may only be named where that condition holds."""
        cond = (self.resources.get(resource) or {}).get("Condition")
        if cond is not None:
            self.p.check(cond in known_true,
                         f"{where}: {resource} exists only when {cond} holds; guard the "
                         f"reference with Fn::If [{cond}, ...]")

    def resolve_name(self, name, where, known_true, local=()):
        if name in local:
            return
        if name in self.params:
            self.used_params.add(name)
        elif name in self.resources:
            self.check_guarded(name, where, known_true)
        else:
            self.p.check(name in PSEUDO_PARAMETERS,
                         f"{where}: Ref {name} is not a parameter, resource or pseudo parameter")

    def check_getatt(self, resource, attribute, where, known_true):
        if not self.p.check(resource in self.resources,
                            f"{where}: GetAtt of unknown resource {resource}"):
            return
        self.check_guarded(resource, where, known_true)
        rtype = self.resources[resource].get("Type")
        if rtype in RESOURCE_TYPES:
            self.p.check(attribute in RESOURCE_TYPES[rtype][0],
                         f"{where}: {rtype} has no attribute {attribute} (GetAtt {resource})")

    def walk(self, node, where, known_true, known_false, in_conditions=False):
        if isinstance(node, list):
            for i, item in enumerate(node):
                self.walk(item, f"{where}[{i}]", known_true, known_false, in_conditions)
            return
        if not isinstance(node, dict):
            return
        if not is_intrinsic(node):
            for key, value in node.items():
                self.walk(value, f"{where}.{key}", known_true, known_false, in_conditions)
            return
        fn, arg = next(iter(node.items()))
        if fn == "Ref":
            if in_conditions:
                self.p.check(arg in self.params or arg in PSEUDO_PARAMETERS,
                             f"{where}: a condition may only Ref parameters, not {arg}")
                self.used_params.add(arg)
            else:
                self.resolve_name(arg, where, known_true)
        elif fn == "Condition":
            self.p.check(arg in self.conditions, f"{where}: unknown condition {arg}")
        elif fn == "Fn::GetAtt":
            if self.p.check(isinstance(arg, list) and len(arg) == 2,
                            f"{where}: GetAtt needs [resource, attribute]"):
                self.check_getatt(arg[0], arg[1], where, known_true)
        elif fn == "Fn::Sub":
            text, local = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
            for value in local.values():
                self.walk(value, where, known_true, known_false, in_conditions)
            for name in sub_names(text):
                if "." in name and name.split(".", 1)[0] in self.resources:
                    self.check_getatt(*name.split(".", 1), where, known_true)
                else:
                    self.resolve_name(name, where, known_true, local)
        elif fn == "Fn::If":
            if self.p.check(isinstance(arg, list) and len(arg) == 3,
                            f"{where}: Fn::If needs [condition, then, else]"):
                cond = arg[0]
                self.p.check(cond in self.conditions, f"{where}: unknown condition {cond}")
                self.walk(arg[1], where + "<then>", known_true | {cond}, known_false)
                self.walk(arg[2], where + "<else>", known_true, known_false | {cond})
        else:
            self.walk(arg, where, known_true, known_false, in_conditions)


# ---- task definitions ---------------------------------------------------------------------------

def register_task_definition_shape():
    model = botocore.session.get_session().get_service_model("ecs")
    return model.operation_model("RegisterTaskDefinition").input_shape


def validate_shape(value, shape, where, problems):
    """Checks `value` against a botocore shape. Intrinsic functions and ${PLACEHOLDERS} stand for
    any string."""
    kind = shape.type_name
    if is_intrinsic(value):
        problems.check(kind in ("string", "integer", "long", "boolean", "list"),
                       f"{where}: an intrinsic function where a {kind} is expected")
        return
    if kind == "structure":
        if not problems.check(isinstance(value, dict), f"{where}: expected an object"):
            return
        for key, item in value.items():
            if problems.check(key in shape.members, f"{where}: unknown field {key}"):
                validate_shape(item, shape.members[key], f"{where}.{key}", problems)
        for key in shape.required_members:
            problems.check(key in value, f"{where}: required field {key} is missing")
    elif kind == "list":
        if problems.check(isinstance(value, list), f"{where}: expected a list"):
            for i, item in enumerate(value):
                validate_shape(item, shape.member, f"{where}[{i}]", problems)
    elif kind == "map":
        if problems.check(isinstance(value, dict), f"{where}: expected a map"):
            for key, item in value.items():
                validate_shape(item, shape.value, f"{where}.{key}", problems)
    elif kind == "string":
        if problems.check(isinstance(value, str), f"{where}: expected a string, got {value!r}"):
            if shape.enum and not PLACEHOLDER.search(value):
                problems.check(value in shape.enum,
                               f"{where}: {value!r} is not one of {', '.join(shape.enum)}")
    elif kind in ("integer", "long"):
        problems.check(isinstance(value, int) and not isinstance(value, bool),
                       f"{where}: expected an integer, got {value!r}")
    elif kind == "boolean":
        problems.check(isinstance(value, bool), f"{where}: expected true or false, got {value!r}")


def cfn_to_api(value, shape):
    """A CloudFormation task definition's properties in the API's field names: each key maps to
    the member of the same name but for its case (ContainerDefinitions -> containerDefinitions);
    map keys (log options) stay as they are. Unknown keys are kept, for validate_shape to name."""
    if is_intrinsic(value) or shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        by_lower = {name.lower(): name for name in shape.members}
        out = {}
        for key, item in value.items():
            api_key = by_lower.get(key.lower(), key)
            out[api_key] = cfn_to_api(item, shape.members.get(api_key))
        return out
    if shape.type_name == "list" and isinstance(value, list):
        return [cfn_to_api(item, shape.member) for item in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {key: cfn_to_api(item, shape.value) for key, item in value.items()}
    return value


def compare(json_value, cfn_value, where, problems):
    """The standalone file against the template: literals equal, dynamic values dynamic on both
    sides; name/value lists (environment, secrets) compared by name."""
    if is_dynamic(json_value) or is_dynamic(cfn_value):
        problems.check(bool(is_dynamic(json_value)) == bool(is_dynamic(cfn_value)),
                       f"{where}: {json_value!r} in the JSON file but {cfn_value!r} in the "
                       f"template (one is fixed, the other is not)")
        return
    if isinstance(json_value, dict) and isinstance(cfn_value, dict):
        for key in sorted(set(json_value) | set(cfn_value)):
            if problems.check(key in json_value and key in cfn_value,
                              f"{where}.{key}: only in the "
                              f"{'JSON file' if key in json_value else 'template'}"):
                compare(json_value[key], cfn_value[key], f"{where}.{key}", problems)
        return
    if (isinstance(json_value, list) and isinstance(cfn_value, list) and
            all(isinstance(x, dict) and "name" in x for x in json_value + cfn_value)):
        compare({x["name"]: x for x in json_value}, {x["name"]: x for x in cfn_value}, where,
                problems)
        return
    if isinstance(json_value, list) and isinstance(cfn_value, list):
        if problems.check(len(json_value) == len(cfn_value),
                          f"{where}: {len(json_value)} items in the JSON file, "
                          f"{len(cfn_value)} in the template"):
            for i, (a, b) in enumerate(zip(json_value, cfn_value)):
                compare(a, b, f"{where}[{i}]", problems)
        return
    problems.check(json_value == cfn_value,
                   f"{where}: {json_value!r} in the JSON file, {cfn_value!r} in the template")


def environment(container):
    return {e["name"]: e["value"] for e in container.get("environment", [])}


def int_env(env, name, where, problems):
    value = env.get(name)
    if problems.check(isinstance(value, str) and value.isdigit(),
                      f"{where}: environment {name} must be set to an integer"):
        return int(value)
    return None


def check_task_definition(td, variant, where, problems):
    """The runtime settings a task definition must get right, for the launch type it is for."""
    containers = td.get("containerDefinitions", [])
    if not problems.check(len(containers) == 1, f"{where}: expected exactly one container"):
        return None
    c = containers[0]
    env = environment(c)
    fargate = variant == "fargate"
    problems.check(td.get("requiresCompatibilities") == ["FARGATE" if fargate else "EC2"],
                   f"{where}: requiresCompatibilities must be [{variant.upper()}]")
    problems.check(env.get("RUNNER_SANDBOX") == ("basic" if fargate else "full"),
                   f"{where}: RUNNER_SANDBOX must be {'basic' if fargate else 'full'}")
    for name in ("AWS_REGION", "AWS_S3_BUCKET", "AWS_SQS_QUEUE_URL", "DB_HOST", "DB_PORT",
                 "DB_NAME"):
        problems.check(name in env,
                       f"{where}: environment {name} is missing (runner serve needs it)")
    secrets = {s["name"] for s in c.get("secrets", [])}
    problems.check({"DB_USERNAME", "DB_PASSWORD"} <= secrets,
                   f"{where}: DB_USERNAME and DB_PASSWORD must come from secrets")
    problems.check(not ({"DB_USERNAME", "DB_PASSWORD", "DATABASE_URL"} & set(env)),
                   f"{where}: database credentials must not be plain environment values")
    # basic runs as the image's non-root user (file capabilities); full needs uid 0.
    if fargate:
        problems.check(c.get("user") in (None, "10001", "10001:10001"),
                       f"{where}: the Fargate (basic) task runs as the image's non-root user: "
                       f"no user, or \"10001\" (docs/deploy.md)")
    else:
        problems.check(c.get("user") == "0",
                       f"{where}: user must be \"0\": full maps the job's uids and writes "
                       f"cgroups as root (docs/deploy.md)")
    grace = int_env(env, "RUNNER_SHUTDOWN_GRACE_MS", where, problems)
    stop = c.get("stopTimeout")
    if grace is not None and problems.check(isinstance(stop, int), f"{where}: stopTimeout missing"):
        problems.check(stop * 1000 >= grace + SHUTDOWN_MARGIN_MS,
                       f"{where}: stopTimeout {stop} s < RUNNER_SHUTDOWN_GRACE_MS {grace} ms + "
                       f"{SHUTDOWN_MARGIN_MS // 1000} s to return unfinished jobs")
        if fargate:
            problems.check(stop <= FARGATE_MAX_STOP_TIMEOUT,
                           f"{where}: Fargate allows stopTimeout up to "
                           f"{FARGATE_MAX_STOP_TIMEOUT} s")
    concurrency = int_env(env, "RUNNER_CONCURRENCY", where, problems)
    memory_mb = int_env(env, "RUNNER_MEMORY_MB", where, problems)
    if concurrency and memory_mb and str(td.get("memory", "")).isdigit():
        need = concurrency * memory_mb + RUNNER_OVERHEAD_MB
        problems.check(int(td["memory"]) >= need,
                       f"{where}: memory {td['memory']} MiB < RUNNER_CONCURRENCY * "
                       f"RUNNER_MEMORY_MB + {RUNNER_OVERHEAD_MB} = {need}")
    port = int_env(env, "RUNNER_HTTP_PORT", where, problems)
    if port is not None:
        problems.check([m.get("containerPort") for m in c.get("portMappings", [])] == [port],
                       f"{where}: portMappings must expose RUNNER_HTTP_PORT {port}")
        command = " ".join(c.get("healthCheck", {}).get("command", []))
        problems.check(f"127.0.0.1:{port}/healthz" in command,
                       f"{where}: healthCheck must request 127.0.0.1:{port}/healthz")
    if c.get("readonlyRootFilesystem"):
        mounted = {m["containerPath"] for m in c.get("mountPoints", [])}
        for path in [env.get("RUNNER_WORK_DIR"), "/tmp"] + ([] if fargate else ["/run"]):
            problems.check(path in mounted,
                           f"{where}: the root is read-only, so {path} must be a volume")
    caps = c.get("linuxParameters", {}).get("capabilities", {})
    if fargate:
        problems.check(not c.get("privileged"), f"{where}: Fargate has no privileged containers")
        added = set(caps.get("add", []))
        problems.check(added <= FARGATE_ADDABLE_CAPS,
                       f"{where}: Fargate can only add {FARGATE_ADDABLE_CAPS}, not {added}")
        kept = (DOCKER_DEFAULT_CAPS | added) - set(caps.get("drop", []))
        problems.check(kept == BASIC_CAPS,
                       f"{where}: capabilities kept {sorted(kept)}; sandbox basic uses exactly "
                       f"{sorted(BASIC_CAPS)}")
    else:
        problems.check(c.get("privileged") is True,
                       f"{where}: sandbox full needs privileged: true on ECS (docs/deploy.md)")
        problems.check(not caps, f"{where}: capabilities are ignored for a privileged container")
    return env


def check_queue(template, env, problems):
    queue = template["Resources"].get("JobQueue", {}).get("Properties", {})
    timeout_ms = int(env.get("RUNNER_TIMEOUT_MS", "0"))
    attempts = int(env.get("RUNNER_MAX_ATTEMPTS", "0"))
    need = math.ceil(timeout_ms / 1000) + VISIBILITY_MARGIN_S
    visibility = queue.get("VisibilityTimeout", 30)
    problems.check(isinstance(visibility, int) and need <= visibility <= 43200,
                   f"JobQueue: VisibilityTimeout {visibility} must be >= RUNNER_TIMEOUT_MS / 1000 "
                   f"+ {VISIBILITY_MARGIN_S} = {need} (and <= 43200)")
    redrive = queue.get("RedrivePolicy", {})
    problems.check(redrive.get("deadLetterTargetArn") == {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]},
                   "JobQueue: RedrivePolicy must send to DeadLetterQueue")
    count = redrive.get("maxReceiveCount", 0)
    need_receives = max(MIN_RECEIVES, attempts + 1)
    problems.check(isinstance(count, int) and count >= need_receives,
                   f"JobQueue: maxReceiveCount {count} must be >= max({MIN_RECEIVES}, "
                   f"RUNNER_MAX_ATTEMPTS + 1) = {need_receives}: every retry of an infrastructure "
                   f"fault is a receive, and the runner must record a give-up before the DLQ")


def policy_statements(role, truth=None):
    """(actions, resource) of each statement of the role's inline policies, with Fn::If on the
    conditions in `truth` resolved; under any other condition, the branch that grants."""
    for policy in resolve_if(role.get("Properties", {}).get("Policies", []), truth or {}):
        if isinstance(policy, dict) and "Fn::If" in policy:
            policy = policy["Fn::If"][1]
        for statement in policy["PolicyDocument"]["Statement"]:
            if isinstance(statement, dict) and "Fn::If" in statement:
                statement = statement["Fn::If"][1]
            actions = statement["Action"]
            yield [actions] if isinstance(actions, str) else actions, statement["Resource"]


def check_sidecar_grants(role, streams, problems):
    """What the task role adds under WithMetricsSidecar: writing the agent's log streams (the
    scrape jobs' names) in the stack's log group, and nothing else."""
    without = list(policy_statements(role, {SIDECAR_CONDITION: False}))
    added = [s for s in policy_statements(role, {SIDECAR_CONDITION: True}) if s not in without]
    actions = {action for acts, _ in added for action in acts}
    problems.check(actions == SIDECAR_ACTIONS,
                   f"TaskRole: with {SIDECAR_PARAMETER}=true it adds {sorted(actions)}; the agent "
                   f"needs exactly {sorted(SIDECAR_ACTIONS)} (its metrics are log events, so no "
                   f"cloudwatch:PutMetricData)")
    group = {"Fn::GetAtt": ["LogGroup", "Arn"]}
    stream_arn = ("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:"
                  "log-group:${LogGroup}:log-stream:")
    written = set()
    for acts, resource in added:
        for res in resource if isinstance(resource, list) else [resource]:
            for action in acts:
                if action == "logs:PutLogEvents":
                    text = sub_text(res) or ""
                    if problems.check(text.startswith(stream_arn),
                                      f"TaskRole: logs:PutLogEvents must be limited to the "
                                      f"agent's log streams ({stream_arn}<scrape job>), not "
                                      f"{res!r}"):
                        written.add(text[len(stream_arn):])
                else:
                    problems.check(res == group,
                                   f"TaskRole: {action} for the agent must be on the stack's log "
                                   f"group (LogGroup.Arn), not {res!r}")
    if streams:
        problems.check(written == set(streams),
                       f"TaskRole: logs:PutLogEvents allows the streams {sorted(written)}, but the "
                       f"agent writes one per scrape job: {sorted(streams)}")


def check_roles(template, env, problems, streams=()):
    res = template["Resources"]
    expected = {
        "s3:GetObject": "/submissions/*",
        "s3:PutObject": "/" + env.get("RUNNER_RESULTS_PREFIX", "") + "*",
        "sqs:ReceiveMessage": {"Fn::GetAtt": ["JobQueue", "Arn"]},
        "sqs:DeleteMessage": {"Fn::GetAtt": ["JobQueue", "Arn"]},
        "sqs:ChangeMessageVisibility": {"Fn::GetAtt": ["JobQueue", "Arn"]},
        "sqs:GetQueueAttributes": {"Fn::GetAtt": ["JobQueue", "Arn"]},
    }
    granted = {}
    for actions, resource in policy_statements(res.get("TaskRole", {}),
                                               {SIDECAR_CONDITION: False}):
        for action in actions:
            granted[action] = resource
    problems.check(set(granted) == set(expected),
                   f"TaskRole: grants {sorted(granted)}; least privilege is {sorted(expected)}")
    check_sidecar_grants(res.get("TaskRole", {}), streams, problems)
    for action, want in expected.items():
        have = granted.get(action)
        if isinstance(want, str):
            text = have.get("Fn::Sub", [""])[0] if isinstance(have, dict) else str(have)
            problems.check(text.endswith(want),
                           f"TaskRole: {action} must be limited to {want} (RUNNER_RESULTS_PREFIX "
                           f"for results), not {have!r}")
        elif have is not None:
            problems.check(have == want, f"TaskRole: {action} must be limited to the job queue")
    secret = [r for a, r in policy_statements(res.get("ExecutionRole", {}))
              if "secretsmanager:GetSecretValue" in a]
    problems.check(secret == [{"Ref": "DbSecretArn"}],
                   "ExecutionRole: secretsmanager:GetSecretValue must be on DbSecretArn only")


# ---- the metrics sidecar ------------------------------------------------------------------------

def runner_metrics(root):
    """What the runner's /metrics serves, read from its source (the header/single/labelled calls
    of src/service/metrics*.cpp): name -> (Prometheus type, set of labels)."""
    metrics = {}
    call = re.compile(r'\b(labelled|single|header)\(\s*out,\s*"(\w+)",\s*"(\w+)",\s*'
                      r'"(?:[^"\\]|\\.)*"(?:,\s*"(\w+)")?')
    for path in sorted(root.glob(METRICS_SOURCES)):
        for kind, name, mtype, label in call.findall(path.read_text()):
            metrics[name] = (mtype, {label} if kind == "labelled" and label else set())
    return metrics


def exported_series(metrics):
    """Each name a scrape of the runner yields -> (its metric, type, labels): a histogram's
    _bucket, _sum and _count (and, for the lint's messages, its own name)."""
    suffixes = {"histogram": ("", "_bucket", "_sum", "_count"), "summary": ("", "_sum", "_count")}
    return {name + suffix: (name, mtype, labels)
            for name, (mtype, labels) in metrics.items()
            for suffix in suffixes.get(mtype, ("",))}


def agent_regex(pattern, what, problems):
    """A pattern of the agent's configuration, compiled; None (and a problem) if it is not one."""
    try:
        return re.compile(pattern)
    except (re.error, TypeError) as e:
        problems.check(False, f"{what}: {pattern!r} is not a regular expression: {e}")
        return None


def pinned(image):
    """An image reference with a version: a digest, or a tag other than latest."""
    if not isinstance(image, str):
        return False
    if "@sha256:" in image:
        return True
    name, _, tag = image.rpartition(":")
    return bool(name) and "/" not in tag and tag not in ("", "latest")


def check_sidecar_parameter(template, problems):
    param = (template.get("Parameters") or {}).get(SIDECAR_PARAMETER)
    if problems.check(isinstance(param, dict),
                      f"Parameters.{SIDECAR_PARAMETER}: missing (docs/deploy.md turns the "
                      f"metrics sidecar on with it)"):
        problems.check(sorted(str(v) for v in param.get("AllowedValues", [])) == ["false", "true"]
                       and str(param.get("Default")) == "false",
                       f"Parameters.{SIDECAR_PARAMETER}: the sidecar is opt-in: AllowedValues "
                       f"[\"true\", \"false\"] and Default \"false\"")
    cond = (template.get("Conditions") or {}).get(SIDECAR_CONDITION)
    problems.check(cond == {"Fn::Equals": [{"Ref": SIDECAR_PARAMETER}, "true"]},
                   f"Conditions.{SIDECAR_CONDITION}: must be !Equals [!Ref {SIDECAR_PARAMETER}, "
                   f"\"true\"]")


def check_scrape_config(text, port, where, problems):
    """PROMETHEUS_CONFIG_CONTENT: static targets only, each the runner on 127.0.0.1 (the task's
    own network namespace) at RUNNER_HTTP_PORT. Returns job name -> {label: values}."""
    try:
        config = yaml.safe_load(text or "")
    except yaml.YAMLError as e:
        problems.check(False, f"{where}: PROMETHEUS_CONFIG_CONTENT is not YAML: {e}")
        return {}
    scrapes = config.get("scrape_configs") if isinstance(config, dict) else None
    if not problems.check(isinstance(scrapes, list) and bool(scrapes),
                          f"{where}: PROMETHEUS_CONFIG_CONTENT has no scrape_configs"):
        return {}
    jobs = {}
    for job in scrapes:
        if not problems.check(isinstance(job, dict) and job.get("job_name"),
                              f"{where}: every scrape_configs entry needs a job_name"):
            continue
        name = job["job_name"]
        labels = jobs.setdefault(name, {"job": {name}, "instance": set()})
        problems.check(job.get("metrics_path", "/metrics") == "/metrics",
                       f"{where}: scrape job {name} must read /metrics, where the runner serves "
                       f"its metrics")
        problems.check(not [key for key in job if key.endswith("_sd_configs")],
                       f"{where}: scrape job {name} must scrape the runner of its own task only "
                       f"(static_configs), not discover targets")
        statics = job.get("static_configs") or []
        problems.check(bool(statics), f"{where}: scrape job {name} has no static_configs")
        for static in statics:
            for label, value in (static.get("labels") or {}).items():
                labels.setdefault(label, set()).add(str(value))
            for target in static.get("targets") or []:
                labels["instance"].add(str(target))
                host, _, target_port = str(target).rpartition(":")
                problems.check(host in ("127.0.0.1", "localhost") and target_port == str(port),
                               f"{where}: scrape target {target} must be 127.0.0.1:{port}: the "
                               f"runner's RUNNER_HTTP_PORT is {port}, in the task's own network "
                               f"namespace")
    return jobs


def check_agent_config(text, agent_env, jobs, metrics, where, problems):
    """CW_CONFIG_CONTENT: the agent's keys only; Prometheus from PROMETHEUS_CONFIG_CONTENT into
    the stack's log group; metric_declaration selecting what the runner exports, by its labels."""
    try:
        config = json.loads(text or "")
    except json.JSONDecodeError as e:
        problems.check(False, f"{where}: CW_CONFIG_CONTENT is not JSON: {e}")
        return

    def known_keys(section, value, path):
        if not problems.check(isinstance(value, dict),
                              f"{where}: CW_CONFIG_CONTENT {path} must be an object"):
            return False
        for key in value:
            problems.check(key in AGENT_KEYS[section],
                           f"{where}: CW_CONFIG_CONTENT {path} has an unknown key {key} (the "
                           f"agent's schema allows {', '.join(sorted(AGENT_KEYS[section]))})")
        return True

    if not (known_keys("agent", config.get("agent", {}), "agent") and
            known_keys("logs", config.get("logs", {}), "logs")):
        return
    prom = (config["logs"].get("metrics_collected") or {}).get("prometheus")
    path = "logs.metrics_collected.prometheus"
    if not (problems.check(isinstance(prom, dict), f"{where}: CW_CONFIG_CONTENT has no {path}")
            and known_keys("prometheus", prom, path)):
        return
    problems.check(prom.get("prometheus_config_path") == "env:PROMETHEUS_CONFIG_CONTENT"
                   and "PROMETHEUS_CONFIG_CONTENT" in agent_env,
                   f"{where}: {path}.prometheus_config_path must be env:PROMETHEUS_CONFIG_CONTENT, "
                   f"the scrape configuration the container carries")
    problems.check(prom.get("log_group_name") == "${LogGroup}",
                   f"{where}: {path}.log_group_name must be ${{LogGroup}}, the log group the task "
                   f"role lets the agent write")
    emf = prom.get("emf_processor", {})
    if not known_keys("emf_processor", emf, path + ".emf_processor"):
        return
    problems.check(isinstance(emf.get("metric_namespace"), str) and emf["metric_namespace"],
                   f"{where}: emf_processor.metric_namespace must be set (docs/deploy.md names it)")
    declarations = emf.get("metric_declaration") or []
    problems.check(bool(declarations),
                   f"{where}: emf_processor has no metric_declaration: no metric would reach "
                   f"CloudWatch")
    series = exported_series(metrics)
    if not metrics:
        problems.notes.append(f"{where}: no {METRICS_SOURCES} under the root: the metric names "
                              f"of metric_declaration were not checked")
    selected = set()
    for i, decl in enumerate(declarations):
        at = f"{where}: metric_declaration[{i}]"
        if not known_keys("metric_declaration", decl, f"metric_declaration[{i}]"):
            continue
        sources, selectors = decl.get("source_labels") or [], decl.get("metric_selectors") or []
        if not problems.check(bool(sources) and bool(selectors),
                              f"{at} needs source_labels and metric_selectors: the agent ignores "
                              f"a declaration without them"):
            continue
        matcher = agent_regex(decl.get("label_matcher", ".*"), f"{at}: label_matcher", problems)
        if matcher is None:
            continue
        separator = decl.get("label_separator", ";")
        matched = [name for name, labels in jobs.items() if all(s in labels for s in sources) and
                   any(matcher.search(separator.join(values))
                       for values in itertools.product(*(sorted(labels[s]) for s in sources)))]
        problems.check(bool(matched),
                       f"{at}: label_matcher {matcher.pattern!r} on {sources} matches no scrape "
                       f"job of PROMETHEUS_CONFIG_CONTENT")
        static = {label for name in matched for label in jobs[name]}
        dimensions = {d for dims in decl.get("dimensions") or [] for d in dims}
        problems.check(bool(decl.get("dimensions")), f"{at} has no dimensions")
        if "ClusterName" in dimensions:
            problems.check(bool(prom.get("cluster_name")),
                           f"{where}: {path}.cluster_name must be set when ClusterName is a "
                           f"dimension")
        for selector in selectors:
            pattern = agent_regex(selector, f"{at}: metric_selectors", problems)
            hits = sorted(s for s in series if pattern and pattern.search(s))
            if metrics and pattern:
                problems.check(bool(hits), f"{at}: metric_selectors {selector!r} matches no metric "
                                           f"the runner exports ({METRICS_SOURCES})")
            for hit in hits:
                name, mtype, labels = series[hit]
                if not problems.check(mtype in AGENT_METRIC_TYPES,
                                      f"{at}: metric_selectors {selector!r} selects {hit} of the "
                                      f"{mtype} {name}: the CloudWatch agent drops histograms, so "
                                      f"it never reaches CloudWatch"):
                    continue
                selected.add(name)
                for dim in sorted(dimensions - AGENT_LABELS - labels - static):
                    problems.check(False, f"{at}: dimension {dim} is not a label of {name}: the "
                                          f"agent would leave {name} out of CloudWatch")
    for name, (mtype, _) in sorted(metrics.items()):
        if mtype in AGENT_METRIC_TYPES:
            problems.check(name in selected,
                           f"{where}: the runner exports the {mtype} {name}, but no "
                           f"metric_selectors selects it: add it to a metric_declaration of "
                           f"CW_CONFIG_CONTENT")
    units = (emf.get("metric_unit") or {}) if metrics else {}
    for name in units:
        problems.check(name in selected,
                       f"{where}: emf_processor.metric_unit names {name}, which no "
                       f"metric_declaration selects")


def check_sidecar(template, td, metrics, where, problems):
    """The task definition as MetricsSidecar=true makes it: the runner and the CloudWatch agent.
    Returns (the agent's container, its scrape job names), or (None, {}) without a sidecar."""
    containers = td.get("containerDefinitions", [])
    runners = [c for c in containers if c.get("name") == RUNNER_CONTAINER]
    agents = [c for c in containers if c.get("name") != RUNNER_CONTAINER]
    if not problems.check(len(runners) == 1 and len(agents) == 1,
                          f"{where}: expected the runner and one CloudWatch agent container "
                          f"(Fn::If [{SIDECAR_CONDITION}, ...] in ContainerDefinitions)"):
        return None, {}
    agent, env = agents[0], environment(runners[0])
    at = f"{where}: container {agent.get('name')}"
    problems.check(agent.get("essential") is False,
                   f"{at} must be essential: false, so that an agent that fails never stops a "
                   f"task that is grading")
    problems.check(not agent.get("privileged"), f"{at} must not be privileged")
    image = agent.get("image")
    if isinstance(image, dict) and list(image) == ["Ref"]:
        image = ((template.get("Parameters") or {}).get(image["Ref"]) or {}).get("Default")
    problems.check(pinned(image),
                   f"{at}: image {image!r} must be pinned to a version (a tag other than latest, "
                   f"or a digest), so that a task never changes agent on its own")
    log = agent.get("logConfiguration") or {}
    options = log.get("options") or {}
    runner_prefix = ((runners[0].get("logConfiguration") or {}).get("options") or {}).get(
        "awslogs-stream-prefix")
    problems.check(log.get("logDriver") == "awslogs" and
                   options.get("awslogs-group") == {"Ref": "LogGroup"} and
                   options.get("awslogs-stream-prefix") not in (None, runner_prefix),
                   f"{at}: must log with awslogs to LogGroup, under a stream prefix of its own")
    problems.check(td.get("networkMode") == "awsvpc",
                   f"{where}: the agent reaches the runner on 127.0.0.1 only when the task's "
                   f"containers share a network namespace (networkMode awsvpc)")
    limit = agent.get("memory")
    if problems.check(isinstance(limit, int),
                      f"{at}: needs a memory limit (memory), so that it never takes the jobs' "
                      f"memory"):
        concurrency, memory_mb = env.get("RUNNER_CONCURRENCY"), env.get("RUNNER_MEMORY_MB")
        if (str(concurrency).isdigit() and str(memory_mb).isdigit() and
                str(td.get("memory", "")).isdigit()):
            need = int(concurrency) * int(memory_mb) + RUNNER_OVERHEAD_MB + limit
            problems.check(int(td["memory"]) >= need,
                           f"{where}: memory {td['memory']} MiB < RUNNER_CONCURRENCY * "
                           f"RUNNER_MEMORY_MB + {RUNNER_OVERHEAD_MB} + the agent's {limit} = "
                           f"{need}")
    agent_env = environment(agent)
    port = env.get("RUNNER_HTTP_PORT")
    jobs = check_scrape_config(sub_text(agent_env.get("PROMETHEUS_CONFIG_CONTENT")), port, at,
                               problems)
    check_agent_config(sub_text(agent_env.get("CW_CONFIG_CONTENT")), agent_env, jobs, metrics, at,
                       problems)
    return agent, jobs


def check_dockerfile(path, envs, problems):
    text = path.read_text()
    lines = re.sub(r"\\\n", " ", text).splitlines()
    runtime = lines[max(i for i, line in enumerate(lines) if line.startswith("FROM ")):]
    instr = {}
    for line in runtime:
        keyword, _, rest = line.strip().partition(" ")
        if keyword.isupper():
            instr.setdefault(keyword, []).append(rest.strip())
    user = instr.get("USER", ["root"])[-1].split(":")[0]
    problems.check(user not in ("0", "root"),
                   "Dockerfile: the runtime stage must run as a non-root USER")
    problems.check(instr.get("STOPSIGNAL") == ["SIGTERM"], "Dockerfile: STOPSIGNAL must be SIGTERM")
    health = " ".join(instr.get("HEALTHCHECK", []))
    ports = {e.get("RUNNER_HTTP_PORT") for e in envs}
    problems.check(len(ports) == 1 and f"RUNNER_HTTP_PORT:-{ports.pop()}}}/healthz" in health,
                   "Dockerfile: HEALTHCHECK must request /healthz on RUNNER_HTTP_PORT (default "
                   "matching the task definitions)")
    entry = json.loads(instr.get("ENTRYPOINT", ["[]"])[-1])
    problems.check(bool(entry) and entry[-1].endswith("/runner"),
                   "Dockerfile: ENTRYPOINT must end with the runner binary")
    problems.check(instr.get("CMD") == ['["serve"]'], 'Dockerfile: CMD must be ["serve"]')
    setcap = re.search(r"setcap (\S+)\+ep", text)
    caps = {c.upper().removeprefix("CAP_") for c in setcap.group(1).split(",")} if setcap else set()
    problems.check(caps == BASIC_CAPS,
                   f"Dockerfile: setcap must grant exactly {sorted(BASIC_CAPS)}, "
                   f"not {sorted(caps)}")
    env_line = " ".join(instr.get("ENV", []))
    image_env = dict(pair.split("=", 1) for pair in shlex.split(env_line) if "=" in pair)
    for name in ("RUNNER_PITS_DIR", "RUNNER_WORK_DIR", "RUNNER_HTTP_PORT"):
        for e in envs:
            problems.check(image_env.get(name) == e.get(name),
                           f"Dockerfile: ENV {name}={image_env.get(name)} but the task "
                           f"definitions set {e.get(name)}")


def check(root):
    problems = Problems()
    template_path = root / "deploy/cloudformation/runner.yaml"
    template = yaml.load(template_path.read_text(), Loader=TemplateLoader)
    TemplateChecker(template, problems).run()
    shape = register_task_definition_shape()
    container_shape = shape.members["containerDefinitions"].member
    resources = template.get("Resources", {})
    check_sidecar_parameter(template, problems)
    metrics = runner_metrics(root)
    envs, sidecars, streams, fargate_env = [], {}, set(), None
    docs = (root / "docs/deploy.md").read_text() if (root / "docs/deploy.md").exists() else ""
    for variant, resource in VARIANTS.items():
        path = root / f"deploy/ecs/taskdef-{variant}.json"
        where = path.relative_to(root).as_posix()
        td = json.loads(path.read_text())
        validate_shape(td, shape, where, problems)
        for name in sorted(set(PLACEHOLDER.findall(path.read_text()))):
            problems.check("${" + name + "}" in docs,
                           f"{where}: placeholder ${{{name}}} is not explained in docs/deploy.md")
        env = check_task_definition(td, variant, where, problems)
        if env is not None:
            envs.append(env)
        if not problems.check(resource in resources, f"template: no {resource} for {where}"):
            continue
        props = resources[resource].get("Properties", {})
        cfn_td = cfn_to_api(resolve_if(props, {SIDECAR_CONDITION: False}), shape)
        cfn_where = f"Resources.{resource}"
        validate_shape({**cfn_td, "family": "x"} if "family" not in cfn_td else cfn_td, shape,
                       cfn_where, problems)
        json_td = {k: v for k, v in td.items() if k != "family"}
        cfn_cmp = {k: v for k, v in cfn_td.items() if k != "family"}
        for c in json_td.get("containerDefinitions", []) + cfn_cmp.get("containerDefinitions", []):
            c.pop("image", None)
        compare(json_td, cfn_cmp, f"{where} vs {cfn_where}", problems)
        # The same task definition with MetricsSidecar=true: the runner and the CloudWatch agent.
        sidecar_where = f"{cfn_where} with {SIDECAR_PARAMETER}=true"
        with_sidecar = cfn_to_api(resolve_if(props, {SIDECAR_CONDITION: True}), shape)
        agent, jobs = check_sidecar(template, with_sidecar, metrics, sidecar_where, problems)
        if agent is not None:
            validate_shape(agent, container_shape,
                           f"{sidecar_where}: container {agent.get('name')}", problems)
            sidecars[resource] = agent
            streams |= set(jobs)
        if variant == "fargate" and env is not None:
            fargate_env = env
    if len(sidecars) == len(VARIANTS):
        (first, a), (second, b) = sidecars.items()
        differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        problems.check(not differ,
                       f"Resources.{second}: its metrics sidecar differs from {first}'s in "
                       f"{', '.join(differ)}; keep the two identical")
    if fargate_env is not None:
        check_queue(template, fargate_env, problems)
        check_roles(template, fargate_env, problems, streams)
    if envs:
        check_dockerfile(root / "Dockerfile", envs, problems)
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    problems = check(args.root)
    for error in problems.errors:
        print(f"check-deploy: {error}", file=sys.stderr)
    for note in problems.notes:
        print(f"check-deploy: note: {note}")
    print(f"check-deploy: {problems.count} checks, {len(problems.errors)} problems")
    return 1 if problems.errors else 0


if __name__ == "__main__":
    sys.exit(main())
