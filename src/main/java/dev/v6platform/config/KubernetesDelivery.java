package dev.v6platform.config;

/**
 * How the Kubernetes objects in {@code dist/<environment>/} reach the cluster. They are always written there.
 */
public enum KubernetesDelivery {
    /**
     * {@code cdk deploy} also applies every chart through the cluster's kubectl provider (a Lambda function in the
     * node subnets with kubectl and helm, from the pinned {@code @aws-cdk/lambda-layer-kubectl-v1NN} package for
     * the cluster's minor version). The default.
     */
    KUBECTL("kubectl"),
    /** Only {@code dist/}: a GitOps tool (Argo CD, Flux) applies it. No Lambda in the stack. */
    GITOPS("gitops");

    private final String label;

    KubernetesDelivery(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
