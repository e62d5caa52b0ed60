package dev.v6platform.karpenter;

import dev.v6platform.kubernetes.KubeObjects;
import org.cdk8s.Chart;
import software.constructs.Construct;

/**
 * The EC2NodeClass and NodePools of one environment ({@code dist/<environment>/karpenter-pools.k8s.yaml}). Apply
 * it only after Karpenter's CRDs exist: {@link KarpenterController} makes that ordering explicit.
 */
public final class KarpenterPoolsChart extends Chart {
    public KarpenterPoolsChart(Construct scope, String id, KarpenterPools pools) {
        super(scope, id);
        KubeObjects.add(this, "nodeclass-" + pools.nodeClass().name(), pools.nodeClass().toObject());
        for (NodePoolSpec p : pools.pools()) {
            KubeObjects.add(this, "nodepool-" + p.name(), p.toObject());
        }
    }
}
