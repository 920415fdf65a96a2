package io.tokenport.cli;

import io.tokenport.engine.chat.UnknownChatTemplateException;
import io.tokenport.engine.gguf.GGUFFormatException;
import io.tokenport.engine.model.ContextOverflowException;
import io.tokenport.engine.tokenizer.TokenizerException;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Turns the exceptions that bad input causes into one-line messages and exit code 2; anything else is a bug
 * and keeps its stack trace (exit code 1).
 */
final class UserErrors implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        String message = userMessage(e);
        if (message == null) {
            e.printStackTrace(cl.getErr());
            return 1;
        }
        cl.getErr().println("tokenport " + cl.getCommandName() + ": " + message);
        return 2;
    }

    static String userMessage(Throwable e) {
        return switch (e) {
            case NoSuchFileException n -> "file not found: " + n.getFile() + (n.getReason() == null ? "" : " (" + n.getReason() + ")");
            case io.tokenport.audit.AuditException a -> a.getMessage();
            case io.tokenport.zone.screening.ScreeningRulesException r -> r.getMessage();
            case io.tokenport.zone.storage.DatabaseException d -> d.getMessage();
            case AccessDeniedException a -> "permission denied: " + a.getFile();
            case GGUFFormatException g -> g.getMessage();
            case ContextOverflowException c -> c.getMessage();
            case UnknownChatTemplateException u -> u.getMessage();
            case TokenizerException t -> t.getMessage();
            case IllegalArgumentException i -> i.getMessage();
            case IOException io -> io.getMessage() == null ? io.toString() : io.getMessage();
            default -> null;
        };
    }
}
