{-# LANGUAGE OverloadedStrings #-}
-- | Shared by the Haskell drivers: the job on stdin, the result line on stdout, and the
-- loopback guard.
--
-- The SES libraries here have their endpoint fixed (the real SES host on 443), so the guard is
-- the connection 'Manager' they are given (and the global one): every connection it opens to a
-- host name goes to 127.0.0.1 and the endpoint's port ($SESSPEC_LOOPBACK_PORT); "localhost"
-- and loopback addresses are connected as given; any other address is refused (the rule of
-- sesspec/drivers/_guard.py). Over TLS the server name and the certificate check keep the host
-- the library asked for, and the endpoint's throwaway CA is the only root.
module Sesspec
  ( Job (..)
  , param
  , textParam
  , textList
  , sesspecMain
  , loopbackManager
  , ok
  , notSupported
  ) where

import           Control.Exception            (SomeException, bracketOnError, displayException,
                                               fromException, throwIO, try)
import           Data.Aeson                   ((.:), (.:?))
import qualified Data.Aeson                   as A
import qualified Data.Aeson.Types             as A
import qualified Data.ByteString.Char8        as B8
import qualified Data.ByteString.Lazy.Char8   as L8
import           Data.Char                    (isDigit)
import           Data.Default.Class           (def)
import           Data.Maybe                   (fromMaybe)
import           Data.String                  (fromString)
import           Data.Text                    (Text)
import qualified Data.Text                    as T
import           Data.X509.CertificateStore   (makeCertificateStore, readCertificateStore)
import qualified Network.Connection           as NC
import           Network.HTTP.Client          (HttpException (..), Manager,
                                               ManagerSettings (..), httpLbs, managerSetProxy,
                                               newManager, noProxy, parseRequest,
                                               responseStatus)
import           Network.HTTP.Client.Internal (Connection, makeConnection, openSocketConnection)
import           Network.HTTP.Client.TLS      (mkManagerSettings, setGlobalManager)
import           Network.HTTP.Types           (statusCode)
import qualified Network.Socket               as S
import qualified Network.TLS                  as TLS
import qualified Network.TLS.Extra.Cipher     as TLS
import           System.Environment           (getArgs, getEnv)
import           System.IO                    (hSetEncoding, stdout, utf8)

-- | One job (sesspec/drivers/base.py): the scenario, the endpoint, the fake credentials.
data Job = Job
  { jobKind      :: Text
  , jobAction    :: Text
  , jobParams    :: A.Value
  , jobHost      :: Text
  , jobCaPath    :: Maybe FilePath
  , jobAccessKey :: Text
  , jobSecretKey :: Text
  , jobRegion    :: Text
  , jobSessionToken :: Maybe Text
    -- ^ the session token of temporary credentials (none for long-term ones)
  }

instance A.FromJSON Job where
  parseJSON = A.withObject "job" $ \o -> do
    s <- o .: "scenario"
    e <- o .: "endpoint"
    c <- o .: "credentials"
    Job <$> s .: "kind" <*> s .: "action" <*> s .: "params" <*> e .: "host"
        <*> e .:? "ca_path" <*> c .: "access_key_id" <*> c .: "secret_access_key"
        <*> c .: "region" <*> c .:? "session_token"

-- | The scenario parameter at a path of SES member names, when it is there.
param :: A.FromJSON a => [Text] -> Job -> Maybe a
param path job = A.parseMaybe (go path) (jobParams job)
  where
    go [] v = A.parseJSON v
    go (k : ks) v = A.withObject "params" (\o -> o .: fromString (T.unpack k) >>= go ks) v

textParam :: [Text] -> Job -> Text
textParam path = fromMaybe "" . param path

textList :: [Text] -> Job -> [Text]
textList path = fromMaybe [] . param path

-- | Where a connection to (host, port) goes, or why it is refused.
route :: Int -> String -> Int -> Either String (String, Int)
route loopback host port
  | host == "localhost" = Right ("127.0.0.1", port)
  | isIPv4 host = if takeWhile (/= '.') host == "127" then Right (host, port) else refused
  | ':' `elem` host = if bare == "::1" then Right (bare, port) else refused
  | otherwise = Right ("127.0.0.1", loopback)
  where
    bare = filter (`notElem` ("[]" :: String)) host
    isIPv4 h = length (parts h) == 4 && all (\p -> not (null p) && all isDigit p) (parts h)
    parts h = case break (== '.') h of
      (a, []) -> [a]
      (a, _ : rest) -> a : parts rest
    shown = if ':' `elem` bare then "[" ++ bare ++ "]" else host
    refused = Left ("sesspec driver guard: refused " ++ shown ++ ":" ++ show port
                    ++ " (loopback only)")

routed :: Int -> String -> Int -> IO (String, Int)
routed loopback host port = either (throwIO . userError) pure (route loopback host port)

tcpSocket :: String -> Int -> IO S.Socket
tcpSocket host port = do
  let hints = S.defaultHints { S.addrSocketType = S.Stream, S.addrFlags = [S.AI_NUMERICHOST] }
  addr : _ <- S.getAddrInfo (Just hints) (Just host) (Just (show port))
  bracketOnError (S.socket (S.addrFamily addr) S.Stream S.defaultProtocol) S.close $ \sock ->
    sock <$ S.connect sock (S.addrAddress addr)

-- | The guarded 'Manager' (also set as http-client-tls's global one): see the module header.
loopbackManager :: Maybe FilePath -> IO Manager
loopbackManager caPath = do
  loopback <- read <$> getEnv "SESSPEC_LOOPBACK_PORT"
  store <- maybe (pure (makeCertificateStore []))
                 (fmap (fromMaybe (makeCertificateStore [])) . readCertificateStore) caPath
  context <- NC.initConnectionContext
  let tlsParams host = (TLS.defaultParamsClient host B8.empty)
        { TLS.clientShared = def { TLS.sharedCAStore = store }
        , TLS.clientSupported = def { TLS.supportedCiphers = TLS.ciphersuite_default }
        }
      raw _ host port = do
        (h, p) <- routed loopback host port
        openSocketConnection (const (pure ())) Nothing h p
      secure :: a -> String -> Int -> IO Connection
      secure _ host port = do
        (h, p) <- routed loopback host port
        sock <- tcpSocket h p
        conn <- NC.connectFromSocket context sock NC.ConnectionParams
          { NC.connectionHostname = host
          , NC.connectionPort = fromIntegral port
          , NC.connectionUseSecure = Just (NC.TLSSettings (tlsParams host))
          , NC.connectionUseSocks = Nothing
          }
        makeConnection (NC.connectionGetChunk conn) (NC.connectionPut conn)
                       (NC.connectionClose conn)
      settings = (mkManagerSettings (NC.TLSSettingsSimple False False False) Nothing)
        { managerRawConnection = pure raw
        , managerTlsConnection = pure secure
        }
  manager <- newManager (managerSetProxy noProxy settings)
  setGlobalManager manager
  pure manager

type Result = [(A.Key, A.Value)]

ok :: Text -> Result
ok detail = [("status", "ok"), ("detail", A.String detail)]

notSupported :: Text -> Result
notSupported reason = [("status", "not-supported"), ("detail", A.String reason)]

-- | An exception on one line; an HTTP exception without the request it carries.
describe :: SomeException -> String
describe err = unwords . lines $ case fromException err of
  Just (HttpExceptionRequest _ content) -> show content
  _ -> displayException err

emit :: Result -> IO ()
emit result = L8.putStrLn ("SESSPEC-RESULT " <> A.encode (A.object result))

-- | Fetch each URL through the guarded manager; print its status or the error (guard test).
probe :: [String] -> IO ()
probe urls = do
  manager <- loopbackManager Nothing
  mapM_ (fetch manager) urls
  where
    fetch manager url = do
      answer <- try (parseRequest url >>= (`httpLbs` manager))
      putStrLn $ case answer of
        Right response -> show (statusCode (responseStatus response))
        Left err -> describe err

-- | Read the job, run it with the guarded manager, print the result line. With
-- @--probe URL...@, run 'probe' instead.
sesspecMain :: (Job -> Manager -> IO Result) -> IO ()
sesspecMain run = do
  hSetEncoding stdout utf8
  args <- getArgs
  case args of
    "--probe" : urls -> probe urls
    _ -> do
      input <- L8.getContents
      case A.eitherDecode input of
        Left err -> emit (failure err)
        Right job -> do
          manager <- loopbackManager (jobCaPath job)
          answer <- try (run job manager)
          emit $ either (failure . describe) id answer
  where
    failure err = [("status", "client-error"), ("detail", A.String (T.take 4000 (T.pack err)))]
