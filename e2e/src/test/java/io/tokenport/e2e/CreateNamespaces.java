package io.tokenport.e2e;

import java.util.Arrays;

/**
 * A main that creates the namespaces: run as another user to see what the harness says, or with {@code --hold}
 * to keep them (printing their names) until it is killed.
 */
public final class CreateNamespaces {
    private CreateNamespaces() {
    }

    public static void main(String[] args) throws InterruptedException {
        try (Namespaces namespaces = Namespaces.create()) {
            System.out.println("created " + String.join(" ", Arrays.stream(Host.values()).map(namespaces::name).toList()));
            if (args.length > 0 && args[0].equals("--hold")) {
                Thread.sleep(Long.MAX_VALUE);
            }
        } catch (NetworkHarnessException e) {
            System.out.println(e.getMessage());
            System.exit(1);
        }
    }
}
