package org.ghnas.space.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.ghnas.space.Architecture;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.json.ArchitectureJson;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.ghnas.space.sample.PredefinedNets;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RunnableNetworkTest {

    @Test
    void runnableGraphAndGoldenParameterCountsAgree() throws Exception {
        JsonNode golden = new ObjectMapper().readTree(getClass().getResourceAsStream("/golden-param-counts.json"));
        int compared = 0;
        for (JsonNode node : golden) {
            Architecture arch = ArchitectureJson.fromNode(node);
            NetworkPlan plan = NetworkPlan.of(arch, InputShape.CIFAR10);
            NetworkParameters params = NetworkParameters.heInit(plan, 1);
            // the runnable net holds exactly the graph's parameters
            assertThat(params.scalarCount()).isEqualTo(plan.graph().parameterCount());
            if (plan.liveParameterCount() == plan.parameterCount()) {
                // no dead modules: all three counts are the reference's
                assertThat(params.scalarCount()).isEqualTo(node.get("params_cifar10").asLong());
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(30);
    }

    @Test
    void parametersKeyedByGraphNodeDriveTheNetwork() {
        NetworkSpec spec = DeepNets1MSampler.builder(5).channels(8).build().sample();
        NetworkPlan plan = NetworkPlan.of(spec, InputShape.FASHION_MNIST);
        NetworkParameters he = NetworkParameters.heInit(plan, 3);
        // what a hypernetwork hands over: tensors per graph node (scale and shift for BN nodes)
        INDArray[][] byNode = new INDArray[plan.graph().nodeCount()][];
        plan.parameters().forEach(p -> {
            INDArray[] slots = byNode[p.graphNode()] == null ? new INDArray[2] : byNode[p.graphNode()];
            slots[p.slot()] = he.tensor(p.index());
            byNode[p.graphNode()] = slots;
        });
        NetworkParameters external = NetworkParameters.fromGraphNodes(plan, i -> byNode[i]);
        RunnableNetwork net = RunnableNetwork.of(plan);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 1, 32, 32);
        assertThat(net.predict(external, x)).isEqualTo(net.predict(he, x));
        assertThatThrownBy(() -> NetworkParameters.fromGraphNodes(plan, i -> null))
                .hasMessageStartingWith("No tensor for graph node");
    }

    @Test
    void calibratedStatisticsOfOneBatchReproduceBatchStatistics() {
        NetworkPlan plan = NetworkPlan.of(PredefinedNets.darts().withChannels(8).toBuilder().cells(5).build(),
                InputShape.FASHION_MNIST);
        RunnableNetwork net = RunnableNetwork.of(plan);
        NetworkParameters params = NetworkParameters.heInit(plan, 2);
        INDArray x = Nd4j.rand(DataType.FLOAT, 16, 1, 32, 32);
        BatchNormStatistics stats = net.calibrate(params, List.of(x));
        assertThat(stats.images()).isEqualTo(16);
        INDArray running = net.forward(params, x, stats).logits();
        INDArray batch = net.predict(params, x);
        assertThat(running.equalsWithEps(batch, 1e-3)).isTrue();
        // on a single image, batch statistics degenerate while running statistics do not
        INDArray one = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)).dup();
        assertThat(net.forward(params, one, stats).logits().equalsWithEps(running.getRow(0).reshape(1, 10), 1e-3))
                .isTrue();
    }

    @Test
    void inferencePassesCannotBeBackPropagated() {
        NetworkPlan plan = NetworkPlan.of(PredefinedNets.vit().withChannels(8).toBuilder().cells(2).build(),
                InputShape.FASHION_MNIST);
        RunnableNetwork net = RunnableNetwork.of(plan);
        NetworkParameters params = NetworkParameters.heInit(plan, 2);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 1, 32, 32);
        BatchNormStatistics stats = net.calibrate(params, List.of(x));
        RunnableNetwork.Pass pass = net.forward(params, x, stats);
        assertThatThrownBy(() -> net.backward(pass, Nd4j.ones(DataType.FLOAT, 2, 10)))
                .hasMessageContaining("cannot be back-propagated");
    }

    @Test
    void givenTrainingPass_whenBackward_thenHoldsOnlyWhatTheReversePassReadsAndFreesItAll() {
        NetworkPlan plan = NetworkPlan.of(DeepNets1MSampler.builder(5).channels(8).build().sample(),
                InputShape.FASHION_MNIST);
        RunnableNetwork net = RunnableNetwork.of(plan);
        NetworkParameters params = NetworkParameters.heInit(plan, 3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 1, 32, 32);
        long allOutputs = 0;
        RunnableNetwork.Pass pass = net.forward(params, x, true, new java.util.Random(1));
        for (long[] shape : pass.shapes()) {
            allOutputs += 4 * java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        }

        // conv outputs feed only BatchNorm caches, BN outputs only ReLUs that keep their own outputs: well below all
        assertThat(pass.heldBytes()).isPositive().isLessThan(allOutputs * 3 / 4);
        INDArray[] grads = net.backward(pass, Nd4j.ones(DataType.FLOAT, 4, 10));
        assertThat(pass.heldBytes()).isZero();
        assertThat(grads).allSatisfy(g -> assertThat(g.isAttached()).isFalse());
        assertThatThrownBy(() -> net.backward(pass, Nd4j.ones(DataType.FLOAT, 4, 10)))
                .hasMessageContaining("already back-propagated");
    }

    @Test
    void givenStepWorkspace_whenTrainedTwice_thenGradientsEqualThoseOutsideAnyWorkspace() {
        NetworkPlan plan = NetworkPlan.of(DeepNets1MSampler.builder(9).channels(8).build().sample(),
                InputShape.FASHION_MNIST);
        RunnableNetwork net = RunnableNetwork.of(plan);
        NetworkParameters params = NetworkParameters.heInit(plan, 3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 1, 32, 32);
        INDArray dLogits = Nd4j.rand(DataType.FLOAT, 4, 10);
        INDArray[] expected = net.backward(net.forward(params, x, true, new java.util.Random(1)), dLogits);
        INDArray expectedLogits = net.predict(params, x);

        for (int step = 0; step < 2; step++) {
            Workspaces.scoped("runnable-network-test", () -> {
                INDArray[] grads = net.backward(net.forward(params, x, true, new java.util.Random(1)), dLogits);
                for (int i = 0; i < grads.length; i++) {
                    assertThat(grads[i].isAttached()).isTrue();
                    assertThat(grads[i].equalsWithEps(expected[i], 1e-6)).as("gradient %d", i).isTrue();
                }
                assertThat(net.predict(params, x).equalsWithEps(expectedLogits, 1e-6)).isTrue();
            });
        }
    }

    @Test
    void givenFloatVitNet_whenTrainingPassInAWorkspace_thenGradientsAgreeWithFloat64AndNothingIsLeftHeld() {
        // the msa layers' caches (the fused kernel's row statistics live in the layer's scratch memory) must outlive
        // the forward pass and be freed by the backward
        NetworkPlan plan = NetworkPlan.of(PredefinedNets.vit().withChannels(8).toBuilder().cells(2).build(),
                InputShape.FASHION_MNIST);
        RunnableNetwork net = RunnableNetwork.of(plan);
        NetworkParameters params = NetworkParameters.heInit(plan, 4, DataType.DOUBLE);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 1, 32, 32);
        INDArray dLogits = Nd4j.rand(DataType.DOUBLE, 4, 10);
        INDArray[] expected = net.backward(net.forward(params, x, true, new java.util.Random(1)), dLogits);

        Workspaces.scoped("runnable-network-test", () -> {
            RunnableNetwork.Pass pass = net.forward(params.castTo(DataType.FLOAT), x.castTo(DataType.FLOAT), true,
                    new java.util.Random(1));
            INDArray[] grads = net.backward(pass, dLogits.castTo(DataType.FLOAT));

            assertThat(pass.heldBytes()).isZero();
            for (int i = 0; i < grads.length; i++) {
                INDArray g = grads[i].castTo(DataType.DOUBLE);
                double error = g.sub(expected[i]).norm2Number().doubleValue()
                        / Math.max(expected[i].norm2Number().doubleValue(), 1e-12);
                assertThat(error).as("gradient %d", i).isLessThan(1e-3);
            }
        });
    }
}
