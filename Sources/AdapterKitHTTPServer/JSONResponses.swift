public import Hummingbird
public import Foundation
import Logging
import NIOCore

/// JSON answers and bounded bodies, the same way for every adapter's server.
public enum JSONResponses {
    /// `status` with the JSON object `body` (keys sorted).
    public static func json(_ status: HTTPResponse.Status, _ body: [String: String], headers: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return data(status, (try? encoder.encode(body)) ?? Data(), headers: headers)
    }

    /// `status` with `{"error": message}`.
    public static func error(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) -> Response {
        json(status, ["error": message], headers: headers)
    }

    /// `status` with an encoded JSON body.
    public static func data(_ status: HTTPResponse.Status, _ body: Data, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The request's body, at most `limit` bytes; throws ``BodyTooLarge`` beyond (other errors,
    /// such as a client that went away, as they are).
    public static func body(of request: Request, limit: Int) async throws -> Data {
        do {
            return Data(try await request.body.collect(upTo: limit).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw BodyTooLarge(limit: limit)
        }
    }

    /// A body beyond the server's limit (answer 413).
    public struct BodyTooLarge: Error, CustomStringConvertible {
        public var limit: Int
        public var description: String { "the request body is larger than \(limit) bytes" }
    }
}

/// Turns errors thrown by routes into JSON answers: ``JSONResponses/BodyTooLarge`` as 413,
/// Hummingbird's `HTTPError` with its status and message, anything else as 500 without details.
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as JSONResponses.BodyTooLarge {
            return JSONResponses.error(.contentTooLarge, error.description)
        } catch let error as HTTPError {
            return JSONResponses.error(error.status, error.body ?? error.status.reasonPhrase, headers: error.headers)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return JSONResponses.error(.internalServerError, "internal error")
        }
    }
}
