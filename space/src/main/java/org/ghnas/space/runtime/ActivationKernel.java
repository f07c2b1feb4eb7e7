package org.ghnas.space.runtime;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The parameter-free activations of the space: ReLU, GELU in PyTorch's exact erf form (ND4J's GELU ops are the
 * sigmoid and tanh approximations) and Hardswish, which the reference's squeeze-excitation uses as its gate.
 */
final class ActivationKernel {
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    private ActivationKernel() {}

    static INDArray relu(INDArray x) {
        INDArray y = CustomOps.result(x.dataType(), x.shape());
        Nd4j.exec(new RectifiedLinear(CustomOps.dense(x), y, 0.0));
        return y;
    }

    /**
     * dy where x > 0, else 0; as a step mask times dy, which measured 7 times faster than libnd4j's relu_bp. The
     * mask may equally be read from the output relu(x), which is positive exactly where x is: a network then keeps
     * the output (read by the next layer anyway) instead of the input.
     */
    static INDArray reluBackward(INDArray xOrY, INDArray dy) {
        CustomOps.requireSameShape(dy, xOrY.shape(), "dy");
        INDArray dx = CustomOps.result(xOrY.dataType(), xOrY.shape());
        Nd4j.exec(new Step(CustomOps.dense(xOrY), dx));
        return dx.muli(dy);
    }

    /** x * Phi(x) with Phi the standard normal CDF. */
    static INDArray gelu(INDArray x) {
        return normalCdf(x).muli(x);
    }

    /** dy * (Phi(x) + x phi(x)). */
    static INDArray geluBackward(INDArray x, INDArray dy) {
        CustomOps.requireSameShape(dy, x.shape(), "dy");
        INDArray density = Transforms.exp(x.mul(x).muli(-0.5), false).muli(INV_SQRT_2PI).muli(x);
        return normalCdf(x).addi(density).muli(dy);
    }

    /** x * relu6(x + 3) / 6. */
    static INDArray hardswish(INDArray x) {
        INDArray gate = Transforms.min(Transforms.max(x.add(3.0), 0.0, false), 6.0, false);
        return gate.muli(x).divi(6.0);
    }

    /** PyTorch's derivative: 0 below -3, x/3 + 1/2 on [-3, 3], 1 above 3. */
    static INDArray hardswishBackward(INDArray x, INDArray dy) {
        CustomOps.requireSameShape(dy, x.shape(), "dy");
        INDArray slope = x.div(3.0).addi(0.5);
        BooleanIndexing.replaceWhere(slope, 0.0, Conditions.lessThan(-0.5));
        BooleanIndexing.replaceWhere(slope, 1.0, Conditions.greaterThan(1.5));
        return slope.muli(dy);
    }

    private static INDArray normalCdf(INDArray x) {
        INDArray t = x.mul(INV_SQRT2);
        Nd4j.exec(new Erf(t, t));
        return t.addi(1.0).muli(0.5);
    }
}
