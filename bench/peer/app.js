// The peer for bench/synth.sh: four environments like the samples (two accounts x us-east-1, eu-west-1), each an
// IPv6 EKS cluster with Karpenter and managed Prometheus (an AMP workspace and the ADOT collector), built with the
// AWS eks-blueprints library on aws-cdk-lib. Plain JavaScript: `cdk synth` runs it with node, no compile step.
const cdk = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const eks = require('aws-cdk-lib/aws-eks');
const bp = require('@aws-quickstart/eks-blueprints');

const ENVIRONMENTS = [
  { name: 'dev-euw1', account: '271828182845', region: 'eu-west-1' },
  { name: 'dev-use1', account: '314159265358', region: 'us-east-1' },
  { name: 'prod-euw1', account: '271828182845', region: 'eu-west-1' },
  { name: 'prod-use1', account: '314159265358', region: 'us-east-1' },
];

const app = new cdk.App();
const count = Number(process.env.PEER_ENVIRONMENTS || ENVIRONMENTS.length);
for (let i = 0; i < count; i++) {
  const base = ENVIRONMENTS[i % ENVIRONMENTS.length];
  const name = i < ENVIRONMENTS.length ? base.name : `${base.name}-${i}`;
  const workspace = `${name}-amp`;
  bp.EksBlueprint.builder()
    .account(base.account)
    .region(base.region)
    .version(eks.KubernetesVersion.V1_33)
    .ipFamily(eks.IpFamily.IP_V6)
    .resourceProvider(workspace, new bp.CreateAmpProvider(workspace, workspace))
    .clusterProvider(new bp.GenericClusterProvider({
      version: eks.KubernetesVersion.V1_33,
      managedNodeGroups: [{
        id: 'system',
        instanceTypes: [new ec2.InstanceType('m7g.large')],
        amiType: eks.NodegroupAmiType.AL2023_ARM_64_STANDARD,
        minSize: 2,
        maxSize: 3,
      }],
    }))
    .addOns(
      new bp.addons.VpcCniAddOn(),
      new bp.addons.CoreDnsAddOn(),
      new bp.addons.KubeProxyAddOn(),
      new bp.addons.KarpenterV1AddOn(),
      new bp.addons.AwsLoadBalancerControllerAddOn(),
      new bp.addons.CertManagerAddOn(),
      new bp.addons.AdotCollectorAddOn(),
      new bp.addons.AmpAddOn({ ampPrometheusEndpoint: bp.getNamedResource(workspace).attrPrometheusEndpoint }),
    )
    .build(app, name);
}
