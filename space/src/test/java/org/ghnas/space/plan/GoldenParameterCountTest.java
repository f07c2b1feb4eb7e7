package org.ghnas.space.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ghnas.space.Architecture;
import org.ghnas.space.ResNet50;
import org.ghnas.space.json.ArchitectureJson;
import org.junit.jupiter.api.Test;

/** Parameter counts must equal the reference implementation's exactly (shared/data/golden-param-counts.json). */
class GoldenParameterCountTest {

    static Path golden() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path candidate : List.of(dir.resolve("shared/data/golden-param-counts.json"),
                    dir.resolve("../shared/data/golden-param-counts.json"),
                    dir.resolve("space/src/test/resources/golden-param-counts.json"),
                    dir.resolve("src/test/resources/golden-param-counts.json"))) {
                if (Files.isRegularFile(candidate)) {
                    return candidate.normalize();
                }
            }
        }
        throw new IllegalStateException("golden-param-counts.json not found");
    }

    @Test
    void everyGoldenSpecHasTheReferenceParameterCounts() throws IOException {
        JsonNode all = new ObjectMapper().readTree(golden().toFile());
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            JsonNode node = all.get(i);
            Architecture spec = ArchitectureJson.fromNode(node);
            long cifar = NetworkPlan.of(spec, InputShape.CIFAR10).parameterCount();
            long imagenet = NetworkPlan.of(spec, InputShape.IMAGENET).parameterCount();
            if (cifar != node.get("params_cifar10").asLong() || imagenet != node.get("params_imagenet").asLong()) {
                mismatches.add("[" + i + "] " + node.get("split").asText() + " cifar " + cifar + " vs "
                        + node.get("params_cifar10") + ", imagenet " + imagenet + " vs " + node.get("params_imagenet")
                        + " " + ArchitectureJson.toCompactJson(spec));
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(all.size()).isGreaterThanOrEqualTo(50);
    }

    @Test
    void resnet50AdjustedForCifar10() {
        NetworkPlan plan = NetworkPlan.of(new ResNet50(), InputShape.CIFAR10);
        assertThat(plan.parameterCount()).isEqualTo(23_520_842L);
        assertThat(plan.liveParameterCount()).isEqualTo(23_520_842L);
        assertThat(plan.graph().nodeCount()).isEqualTo(126);
    }

    @Test
    void resnet50OnImageNetHasTorchvisionsCount() {
        assertThat(NetworkPlan.of(new ResNet50(), InputShape.IMAGENET).parameterCount()).isEqualTo(25_557_032L);
    }
}
